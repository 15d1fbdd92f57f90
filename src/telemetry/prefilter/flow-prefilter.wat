;; The flow prefilter's byte loop (see flow-prefilter-scan.ts, which reads the file into this
;; module's memory and writes out the lines it keeps). WebAssembly because the loop touches every
;; byte of every flow file: it runs about twice as fast as the same loop in JavaScript, and finds
;; the ends of fields and digit runs 16 bytes at a time (SIMD).
;;
;; Memory (the caller fills all but the kept lines):
;;   [0, 2 MiB)              the /24 bitmap: bit k set when the /24 network k is near an indicator
;;   [CHECKS, +256)          one ColumnCheck per column (0 any, 1 address, 2 digits, 3 text time, 4 epoch ms)
;;   [OUT, +12 * cap)        kept lines, written here: (index of the line in this call, start, end) as u32
;;   [INPUT, ...)            the bytes to scan
;;   [QUADS, +81 * 32)       the dotted quads' table (see $dottedQuadEnd), after the input's slack
;;   [V6, +16 * $v6n)        the IPv6 /48 runs (QUADS + 8 KiB; the caller grows the memory to hold them)
;;
;; A line is kept unless it has exactly `columns` fields, each passing its check, and both
;; addresses are far from every indicator (core/flow-near.ts): an IPv4 one outside the bitmap's
;; /24s, an IPv6 one outside the runs' /48s. A check that fails keeps the line (the full conversion
;; then names it), so everything odd is kept, and only well-formed far lines are dropped.
(module
  (memory (export "memory") 161) ;; bitmap, checks and output below 4 MiB, 4 MiB of input, slack to 10 MiB, the table, the IPv6 runs (grown)
  (global $lines (export "lines") (mut i32) (i32.const 0))
  (global $blank (export "blank") (mut i32) (i32.const 0))
  (global $kept (export "kept") (mut i32) (i32.const 0))
  ;; The earliest and latest start time of the lines whose time passed its check, over every call
  ;; to this instance (one per chunk): yyyymmddhhmm as packed BCD for a text time (see
  ;; $textTimeEnd), milliseconds for epoch ms.
  (global $tmin (export "tmin") (mut i64) (i64.const 0x7fffffffffffffff))
  (global $tmax (export "tmax") (mut i64) (i64.const -1))

  ;; How many IPv6 runs there are at V6, each a /48 key range (first, last) as two u64, sorted.
  (global $v6n (export "v6n") (mut i32) (i32.const 0))

  ;; Takes a start time (a key as above) into the span.
  (func $seen (param $t i64)
    (if (i64.lt_s (local.get $t) (global.get $tmin)) (then (global.set $tmin (local.get $t))))
    (if (i64.gt_s (local.get $t) (global.get $tmax)) (then (global.set $tmax (local.get $t)))))

  ;; Two decimal digits at p as a number, or 1000 when either is not a digit.
  (func $two (param $p i32) (result i32)
    (local $x i32) (local $y i32)
    (local.set $x (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
    (local.set $y (i32.sub (i32.load8_u offset=1 (local.get $p)) (i32.const 48)))
    (if (result i32) (i32.and (i32.le_u (local.get $x) (i32.const 9)) (i32.le_u (local.get $y) (i32.const 9)))
      (then (i32.add (i32.mul (local.get $x) (i32.const 10)) (local.get $y)))
      (else (i32.const 1000))))

  ;; Where a run of digits starting at p ends: 16 bytes at a time (SIMD), the first byte that is
  ;; not a digit. Reading past the line is safe: the memory has slack after the input.
  (func $digitsEnd (param $p i32) (result i32)
    (local $m i32)
    (loop $block
      (local.set $m (i8x16.bitmask
        (i8x16.gt_u (i8x16.sub (v128.load (local.get $p)) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48))
                    (v128.const i8x16 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9))))
      (if (i32.eqz (local.get $m))
        (then
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br $block))))
    (i32.add (local.get $p) (i32.ctz (local.get $m))))

  ;; The value of the digits in [p, e).
  (func $digitsValue (param $p i32) (param $e i32) (result i64)
    (local $v i64)
    (block $done
      (loop $digit
        (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
        (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 10)) (i64.extend_i32_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $digit)))
    (local.get $v))

  ;; Where a field ends: the first ',', '\n' or '\r' from p, 16 bytes at a time.
  (func $fieldEnd (param $p i32) (result i32)
    (local $v v128) (local $m i32)
    (loop $block
      (local.set $v (v128.load (local.get $p)))
      (local.set $m (i8x16.bitmask
        (v128.or
          (v128.or (i8x16.eq (local.get $v) (v128.const i8x16 44 44 44 44 44 44 44 44 44 44 44 44 44 44 44 44))
                   (i8x16.eq (local.get $v) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10)))
          (i8x16.eq (local.get $v) (v128.const i8x16 13 13 13 13 13 13 13 13 13 13 13 13 13 13 13 13)))))
      (if (i32.eqz (local.get $m))
        (then
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br $block))))
    (i32.add (local.get $p) (i32.ctz (local.get $m))))

  ;; A strict dotted quad at p: returns where it ends, or -1; the address is left in $quad.
  ;; Without a branch per digit (the parts' lengths vary from address to address, and such
  ;; branches, mispredicted, took almost half the loop's time): one 16-byte load finds the field's
  ;; end (the first byte neither a digit nor a dot) and its dots, which give the four parts'
  ;; lengths, each 1 to 3. Of the 81 ways to have them, the QUADS table's entry places each part's
  ;; hundreds and tens digits in bytes 0-7 and its units in bytes 8-15 (0 where a part has no such
  ;; digit), so that one dot product gives the four values; it also holds each part's least value
  ;; (0, 10 or 100: less means a leading zero).
  (global $quad (mut i32) (i32.const 0))
  (func $dottedQuadEnd (param $p i32) (result i32)
    (local $v v128) (local $dots i32) (local $len i32) (local $m i32) (local $d1 i32) (local $d2 i32) (local $d3 i32)
    (local $entry i32) (local $x v128) (local $val v128)
    (local.set $v (v128.load (local.get $p)))
    (local.set $dots (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i8x16 46 46 46 46 46 46 46 46 46 46 46 46 46 46 46 46))))
    (local.set $v (i8x16.sub (local.get $v) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48)))
    (local.set $len (i32.ctz (i32.or
      (i32.xor
        (i32.or (local.get $dots) (i8x16.bitmask (i8x16.le_u (local.get $v) (v128.const i8x16 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9))))
        (i32.const 0xffff))
      (i32.const 0x10000)))) ;; 16 when all sixteen are digits or dots: too long
    (local.set $dots (i32.and (local.get $dots) (i32.sub (i32.shl (i32.const 1) (local.get $len)) (i32.const 1))))
    (local.set $d1 (i32.ctz (local.get $dots)))
    (local.set $m (i32.and (local.get $dots) (i32.sub (local.get $dots) (i32.const 1))))
    (local.set $d2 (i32.ctz (local.get $m)))
    (local.set $d3 (i32.ctz (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1)))))
    ;; Three dots, the parts' lengths d1, d2 - d1 - 1, d3 - d2 - 1 and len - d3 - 1 each 1 to 3.
    (if (i32.or
          (i32.or (i32.ne (i32.popcnt (local.get $dots)) (i32.const 3)) (i32.gt_u (i32.sub (local.get $d1) (i32.const 1)) (i32.const 2)))
          (i32.or
            (i32.gt_u (i32.sub (i32.sub (local.get $d2) (local.get $d1)) (i32.const 2)) (i32.const 2))
            (i32.or
              (i32.gt_u (i32.sub (i32.sub (local.get $d3) (local.get $d2)) (i32.const 2)) (i32.const 2))
              (i32.gt_u (i32.sub (i32.sub (local.get $len) (local.get $d3)) (i32.const 2)) (i32.const 2)))))
      (then (return (i32.const -1))))
    ;; Entry 27 (l1 - 1) + 9 (l2 - 1) + 3 (l3 - 1) + (l4 - 1) = 18 d1 + 6 d2 + 2 d3 + len - 53, of 32 bytes.
    (local.set $entry (i32.add (i32.const 10485760) (i32.shl
      (i32.add
        (i32.add (i32.mul (local.get $d1) (i32.const 18)) (i32.mul (local.get $d2) (i32.const 6)))
        (i32.add (i32.shl (local.get $d3) (i32.const 1)) (i32.sub (local.get $len) (i32.const 53))))
      (i32.const 5))))
    ;; The digits' values in place (the dots' bytes are never picked), then 100 h + 10 t + u per part.
    (local.set $x (i8x16.swizzle (local.get $v) (v128.load (local.get $entry))))
    (local.set $val (i32x4.add
      (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $x)) (v128.const i16x8 100 10 100 10 100 10 100 10))
      (i16x8.extend_high_i8x16_u (local.get $x))))
    (if (v128.any_true (v128.or
          (i32x4.gt_u (local.get $val) (v128.const i32x4 255 255 255 255))
          (i32x4.lt_u (local.get $val) (v128.load offset=16 (local.get $entry)))))
      (then (return (i32.const -1))))
    ;; The four values' low bytes, the first part highest.
    (global.set $quad (i32x4.extract_lane 0 (i8x16.shuffle 12 8 4 0 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $val) (local.get $val))))
    (i32.add (local.get $p) (local.get $len)))

  ;; Whether /48 key k lies in one of the IPv6 runs: binary search for the first run whose last
  ;; key is k or more.
  (func $v6Near (param $k i64) (result i32)
    (local $lo i32) (local $hi i32) (local $mid i32)
    (local.set $hi (global.get $v6n))
    (block $found
      (loop $halve
        (br_if $found (i32.ge_u (local.get $lo) (local.get $hi)))
        (local.set $mid (i32.shr_u (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)))
        (if (i64.lt_u (i64.load offset=10493960 (i32.shl (local.get $mid) (i32.const 4))) (local.get $k))
          (then (local.set $lo (i32.add (local.get $mid) (i32.const 1))))
          (else (local.set $hi (local.get $mid))))
        (br $halve)))
    (if (i32.ge_u (local.get $lo) (global.get $v6n)) (then (return (i32.const 0))))
    (i64.le_u (i64.load offset=10493952 (i32.shl (local.get $lo) (i32.const 4))) (local.get $k)))

  ;; Whether IPv4 address a is in one of the bitmap's /24s.
  (func $v4Near (param $a i32) (result i32)
    (local $k i32)
    (local.set $k (i32.shr_u (local.get $a) (i32.const 8)))
    (i32.ne (i32.and (i32.load8_u (i32.shr_u (local.get $k) (i32.const 3))) (i32.shl (i32.const 1) (i32.and (local.get $k) (i32.const 7)))) (i32.const 0)))

;; Bits of the hex digits ('0'-'9', 'a'-'f', 'A'-'F') among the 16 bytes at p.
  (func $hexBits (param $p i32) (result i64)
    (local $v v128)
    (local.set $v (v128.load (local.get $p)))
    (i64.extend_i32_u (i8x16.bitmask (v128.or
      (i8x16.le_u (i8x16.sub (local.get $v) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48))
                  (v128.const i8x16 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9))
      ;; c | 32 lowers the letters, and no other byte lands on 'a'-'f'
      (i8x16.le_u (i8x16.sub (v128.or (local.get $v) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32))
                             (v128.const i8x16 97 97 97 97 97 97 97 97 97 97 97 97 97 97 97 97))
                  (v128.const i8x16 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5))))))

  ;; Bits of the colons among the 16 bytes at p.
  (func $colonBits (param $p i32) (result i64)
    (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load (local.get $p)) (v128.const i8x16 58 58 58 58 58 58 58 58 58 58 58 58 58 58 58 58)))))

  ;; The value of the group of hex digits at q (checked already: one to four).
  (func $groupValue (param $q i32) (result i32)
    (local $v i32) (local $c i32)
    (block $done
      (loop $digit
        (local.set $c (i32.load8_u (local.get $q)))
        (br_if $done (i32.eq (local.get $c) (i32.const 58)))
        (br_if $done (i32.lt_u (local.get $c) (i32.const 48)))
        ;; Only a field's end follows its last group, and no terminator is 48 or more.
        (local.set $v (i32.or (i32.shl (local.get $v) (i32.const 4))
          (i32.add (i32.and (local.get $c) (i32.const 15)) (i32.mul (i32.shr_u (local.get $c) (i32.const 6)) (i32.const 9)))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $digit)))
    (local.get $v))

  ;; Group i (0-7) of the address at p whose groups start at the bits of $starts (lowest first),
  ;; the first b of them before a '::' standing for z zero groups (b = 8 when there is none).
  (func $group (param $p i32) (param $starts i64) (param $b i32) (param $z i32) (param $i i32) (result i32)
    (local $j i32)
    (local.set $j (local.get $i))
    (if (i32.ge_u (local.get $i) (local.get $b))
      (then
        (if (i32.lt_u (local.get $i) (i32.add (local.get $b) (local.get $z))) (then (return (i32.const 0))))
        (local.set $j (i32.sub (local.get $i) (local.get $z)))))
    ;; The j-th start: clear the j lowest bits.
    (block $found
      (loop $clear
        (br_if $found (i32.eqz (local.get $j)))
        (local.set $starts (i64.and (local.get $starts) (i64.sub (local.get $starts) (i64.const 1))))
        (local.set $j (i32.sub (local.get $j) (i32.const 1)))
        (br $clear)))
    (call $groupValue (i32.add (local.get $p) (i32.wrap_i64 (i64.ctz (local.get $starts))))))

  ;; An IPv6 address at p, far from every indicator: returns where it ends, or -1 when it is near
  ;; one or not in the form the kept lines' conversion reads (addressNumberOf, ipv6Of): eight
  ;; groups of one to four hex digits, or fewer with one '::' standing for at least one. A third
  ;; or more of a real feed's flows are IPv6: the form is checked on bit masks of 48 bytes (SIMD),
  ;; and only the groups the test needs are read. Near (core/flow-near.ts): an IPv4-mapped address
  ;; (::ffff:a.b.c.d in hex groups) by the /24 bitmap, any other by its /48 (its first three
  ;; groups) in the runs. What follows the address is the caller's to check.
  (func $ipv6End (param $p i32) (result i32)
    (local $h i64) (local $c i64) (local $len i32) (local $m i64) (local $d i64) (local $starts i64)
    (local $n i32) (local $b i32) (local $z i32) (local $key i64)
    (local.set $h (i64.or (call $hexBits (local.get $p))
      (i64.or (i64.shl (call $hexBits (i32.add (local.get $p) (i32.const 16))) (i64.const 16))
              (i64.shl (call $hexBits (i32.add (local.get $p) (i32.const 32))) (i64.const 32)))))
    (local.set $c (i64.or (call $colonBits (local.get $p))
      (i64.or (i64.shl (call $colonBits (i32.add (local.get $p) (i32.const 16))) (i64.const 16))
              (i64.shl (call $colonBits (i32.add (local.get $p) (i32.const 32))) (i64.const 32)))))
    ;; Its length: up to the first byte neither a hex digit nor a colon (2 to 39 bytes).
    (local.set $len (i32.wrap_i64 (i64.ctz (i64.xor (i64.or (local.get $h) (local.get $c)) (i64.const -1)))))
    (if (i32.gt_u (i32.sub (local.get $len) (i32.const 2)) (i32.const 37)) (then (return (i32.const -1))))
    (local.set $m (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $len))) (i64.const 1)))
    (local.set $h (i64.and (local.get $h) (local.get $m)))
    (local.set $c (i64.and (local.get $c) (local.get $m)))
    ;; At most one '::' (':::' counts twice), no single colon at either end, no group of five digits.
    (local.set $d (i64.and (local.get $c) (i64.shr_u (local.get $c) (i64.const 1))))
    (if (i32.or
          (i32.or
            (i64.gt_u (i64.popcnt (local.get $d)) (i64.const 1))
            (i64.eq (i64.and (local.get $c) (i64.const 3)) (i64.const 1)))
          (i32.or
            (i64.eq (i64.and (i64.shr_u (local.get $c) (i64.extend_i32_u (i32.sub (local.get $len) (i32.const 2)))) (i64.const 3)) (i64.const 2))
            (i64.ne (i64.and (local.get $h) (i64.and (i64.shr_u (local.get $h) (i64.const 1))
                      (i64.and (i64.shr_u (local.get $h) (i64.const 2)) (i64.and (i64.shr_u (local.get $h) (i64.const 3)) (i64.shr_u (local.get $h) (i64.const 4))))))
                    (i64.const 0))))
      (then (return (i32.const -1))))
    ;; Eight groups, or at most seven with the '::'.
    (local.set $starts (i64.and (local.get $h) (i64.xor (i64.shl (local.get $h) (i64.const 1)) (i64.const -1))))
    (local.set $n (i32.wrap_i64 (i64.popcnt (local.get $starts))))
    (local.set $b (i32.const 8))
    (if (i64.eqz (local.get $d))
      (then (if (i32.ne (local.get $n) (i32.const 8)) (then (return (i32.const -1)))))
      (else
        (if (i32.gt_u (local.get $n) (i32.const 7)) (then (return (i32.const -1))))
        (local.set $z (i32.sub (i32.const 8) (local.get $n)))
        ;; The groups before the '::'.
        (local.set $b (i32.wrap_i64 (i64.popcnt (i64.and (local.get $starts)
          (i64.sub (i64.shl (i64.const 1) (i64.ctz (local.get $d))) (i64.const 1))))))))
    (local.set $key (i64.or
      (i64.shl (i64.extend_i32_u (call $group (local.get $p) (local.get $starts) (local.get $b) (local.get $z) (i32.const 0))) (i64.const 32))
      (i64.extend_i32_u (i32.or
        (i32.shl (call $group (local.get $p) (local.get $starts) (local.get $b) (local.get $z) (i32.const 1)) (i32.const 16))
        (call $group (local.get $p) (local.get $starts) (local.get $b) (local.get $z) (i32.const 2))))))
    (local.set $p (i32.add (local.get $p) (local.get $len)))
    ;; ::ffff:0:0/96 is IPv4: groups 3 and 4 zero, group 5 ffff.
    (if (i64.eqz (local.get $key))
      (then
        (if (i32.and
              (i32.eqz (i32.or (call $group (i32.sub (local.get $p) (local.get $len)) (local.get $starts) (local.get $b) (local.get $z) (i32.const 3))
                               (call $group (i32.sub (local.get $p) (local.get $len)) (local.get $starts) (local.get $b) (local.get $z) (i32.const 4))))
              (i32.eq (call $group (i32.sub (local.get $p) (local.get $len)) (local.get $starts) (local.get $b) (local.get $z) (i32.const 5)) (i32.const 0xffff)))
          (then
            (if (call $v4Near (i32.or
                  (i32.shl (call $group (i32.sub (local.get $p) (local.get $len)) (local.get $starts) (local.get $b) (local.get $z) (i32.const 6)) (i32.const 16))
                  (call $group (i32.sub (local.get $p) (local.get $len)) (local.get $starts) (local.get $b) (local.get $z) (i32.const 7))))
              (then (return (i32.const -1))))
            (return (local.get $p))))))
    (if (call $v6Near (local.get $key)) (then (return (i32.const -1))))
    (local.get $p))

    ;; yyyy-mm-dd hh:mm with optional :ss and .fraction (1 to 9 digits), a space or a T between,
  ;; each field in range: returns where it ends, or -1. The first 16 bytes are checked at once
  ;; (SIMD): digits where digits belong, '-', '-', ' ' or 'T', ':' between; a terminator there
  ;; fails, since none of ',', '\n', '\r' is a digit or one of those. Then the fields' values.
  (func $textTimeEnd (param $p i32) (result i32)
    (local $v v128) (local $d v128) (local $x i32) (local $e i32)
    (local.set $v (v128.load (local.get $p)))
    (local.set $d (i8x16.sub (local.get $v) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48)))
    ;; Lanes 0-3, 5-6, 8-9, 11-12, 14-15 must be digits: bits of the lanes that are not.
    (if (i32.and
          (i8x16.bitmask (i8x16.gt_u (local.get $d) (v128.const i8x16 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9)))
          (i32.const 0xdb6f))
      (then (return (i32.const -1))))
    ;; Lanes 4, 7, 13: '-', '-', ':'; lane 10: ' ' or 'T'.
    (if (i32.ne
          (i32.and
            (i8x16.bitmask
              (v128.or
                (i8x16.eq (local.get $v) (v128.const i8x16 0 0 0 0 45 0 0 45 0 0 32 0 0 58 0 0))
                (i8x16.eq (local.get $v) (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 84 0 0 0 0 0))))
            (i32.const 0x2490))
          (i32.const 0x2490))
      (then (return (i32.const -1))))
    ;; month 1-12, day 1-31 (x - 1 <= 11 unsigned: 0 fails), hour 0-23, minute 0-59
    (if (i32.gt_u (i32.sub (i32.add (i32.mul (i8x16.extract_lane_u 5 (local.get $d)) (i32.const 10)) (i8x16.extract_lane_u 6 (local.get $d))) (i32.const 1)) (i32.const 11))
      (then (return (i32.const -1))))
    (if (i32.gt_u (i32.sub (i32.add (i32.mul (i8x16.extract_lane_u 8 (local.get $d)) (i32.const 10)) (i8x16.extract_lane_u 9 (local.get $d))) (i32.const 1)) (i32.const 30))
      (then (return (i32.const -1))))
    (if (i32.gt_u (i32.add (i32.mul (i8x16.extract_lane_u 11 (local.get $d)) (i32.const 10)) (i8x16.extract_lane_u 12 (local.get $d))) (i32.const 23))
      (then (return (i32.const -1))))
    (if (i32.gt_u (i32.add (i32.mul (i8x16.extract_lane_u 14 (local.get $d)) (i32.const 10)) (i8x16.extract_lane_u 15 (local.get $d))) (i32.const 59))
      (then (return (i32.const -1))))
    ;; Into the span, to the minute: the twelve digits as packed BCD, yyyymmddhhmm in the low six
    ;; bytes of an i64 (the year's first two digits highest), so the numbers order as the times.
    (call $seen
      (i64x2.extract_lane 0
        (v128.or
          (i8x16.shl
            (i8x16.shuffle 14 11 8 5 2 0 16 16 16 16 16 16 16 16 16 16 (local.get $d) (v128.const i64x2 0 0))
            (i32.const 4))
          (i8x16.shuffle 15 12 9 6 3 1 16 16 16 16 16 16 16 16 16 16 (local.get $d) (v128.const i64x2 0 0)))))
    (local.set $p (i32.add (local.get $p) (i32.const 16)))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 58)) (then (return (local.get $p))))
    (if (i32.gt_u (call $two (i32.add (local.get $p) (i32.const 1))) (i32.const 59)) (then (return (i32.const -1))))
    (local.set $p (i32.add (local.get $p) (i32.const 3)))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 46)) (then (return (local.get $p))))
    (local.set $e (call $digitsEnd (i32.add (local.get $p) (i32.const 1))))
    (local.set $x (i32.sub (local.get $e) (i32.add (local.get $p) (i32.const 1))))
    (if (i32.gt_u (i32.sub (local.get $x) (i32.const 1)) (i32.const 8)) (then (return (i32.const -1))))
    (local.get $e))

  ;; Whether the line from p is dropped: well formed, its fields passing their checks, both
  ;; addresses far from every indicator. Returns where its '\n' is if so, else -1 (kept). Stops at
  ;; the first field that fails.
  (func $droppedLineEnd (param $p i32) (param $columns i32) (result i32)
    (local $col i32) (local $check i32) (local $e i32) (local $c i32) (local $k i32)
    (loop $fields
      (if (i32.ge_u (local.get $col) (local.get $columns)) (then (return (i32.const -1)))) ;; too many fields
      (local.set $check (i32.load8_u offset=2097152 (local.get $col)))
      (block $checked
        (if (i32.eqz (local.get $check)) (then (local.set $e (call $fieldEnd (local.get $p))) (br $checked)))
        (if (i32.eq (local.get $check) (i32.const 1))
          (then
            (local.set $e (call $dottedQuadEnd (local.get $p)))
            (if (i32.lt_s (local.get $e) (i32.const 0))
              (then
                ;; Not a dotted quad: IPv6, or kept.
                (local.set $e (call $ipv6End (local.get $p)))
                (if (i32.lt_s (local.get $e) (i32.const 0)) (then (return (i32.const -1))))
                (br $checked)))
            (local.set $k (i32.shr_u (global.get $quad) (i32.const 8)))
            (if (i32.and (i32.load8_u (i32.shr_u (local.get $k) (i32.const 3))) (i32.shl (i32.const 1) (i32.and (local.get $k) (i32.const 7))))
              (then (return (i32.const -1))))
            (br $checked)))
        (if (i32.eq (local.get $check) (i32.const 2)) (then (local.set $e (call $digitsEnd (local.get $p))) (br $checked)))
        (if (i32.eq (local.get $check) (i32.const 3))
          (then
            (local.set $e (call $textTimeEnd (local.get $p)))
            (if (i32.lt_s (local.get $e) (i32.const 0)) (then (return (i32.const -1))))
            (br $checked)))
        ;; 4: epoch milliseconds, 12 or 13 digits
        (local.set $e (call $digitsEnd (local.get $p)))
        (if (i32.gt_u (i32.sub (i32.sub (local.get $e) (local.get $p)) (i32.const 12)) (i32.const 1)) (then (return (i32.const -1))))
        (call $seen (call $digitsValue (local.get $p) (local.get $e))))
      ;; The field must end at a terminator.
      (local.set $c (i32.load8_u (local.get $e)))
      (local.set $col (i32.add (local.get $col) (i32.const 1)))
      (if (i32.eq (local.get $c) (i32.const 44))
        (then
          (local.set $p (i32.add (local.get $e) (i32.const 1)))
          (br $fields))))
    ;; The line ends here, with too few fields (kept), or with '\n' or '\r\n'; anything else (a
    ;; '\r' inside the line, a stray byte after a checked field) keeps it.
    (if (i32.ne (local.get $col) (local.get $columns)) (then (return (i32.const -1))))
    (if (i32.eq (local.get $c) (i32.const 10)) (then (return (local.get $e))))
    (if (i32.and (i32.eq (local.get $c) (i32.const 13)) (i32.eq (i32.load8_u offset=1 (local.get $e)) (i32.const 10)))
      (then (return (i32.add (local.get $e) (i32.const 1)))))
    (i32.const -1))

  ;; Where the line from p ends: its '\n', 16 bytes at a time.
  (func $newline (param $p i32) (result i32)
    (local $m i32)
    (loop $block
      (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $p)) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))))
      (if (i32.eqz (local.get $m))
        (then
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br $block))))
    (i32.add (local.get $p) (i32.ctz (local.get $m))))

  ;; Scans the lines starting in [p, limit) (every one of them ends with '\n' before `end`),
  ;; recording the kept ones at OUT, at most `cap`; returns where the next line starts. The
  ;; globals count this call's lines, blank lines and kept lines.
  (func (export "scan") (param $p i32) (param $end i32) (param $limit i32) (param $columns i32) (param $out i32) (param $cap i32) (result i32)
    (local $start i32) (local $e i32) (local $stop i32)
    (global.set $lines (i32.const 0))
    (global.set $blank (i32.const 0))
    (global.set $kept (i32.const 0))
    (block $done
      (loop $line
        (br_if $done (i32.or (i32.ge_u (local.get $p) (local.get $end)) (i32.ge_u (local.get $p) (local.get $limit))))
        (br_if $done (i32.ge_u (global.get $kept) (local.get $cap)))
        (local.set $start (local.get $p))
        (local.set $e (call $droppedLineEnd (local.get $p) (local.get $columns)))
        (if (i32.lt_s (local.get $e) (i32.const 0))
          (then
            ;; Kept or blank: its end, less a '\r' right before the '\n'.
            (local.set $e (call $newline (local.get $p)))
            (local.set $stop (local.get $e))
            (if (i32.gt_u (local.get $stop) (local.get $start))
              (then (if (i32.eq (i32.load8_u (i32.sub (local.get $stop) (i32.const 1))) (i32.const 13))
                (then (local.set $stop (i32.sub (local.get $stop) (i32.const 1)))))))
            (if (i32.eq (local.get $stop) (local.get $start))
              (then (global.set $blank (i32.add (global.get $blank) (i32.const 1))))
              (else
                (i32.store (local.get $out) (global.get $lines))
                (i32.store offset=4 (local.get $out) (local.get $start))
                (i32.store offset=8 (local.get $out) (local.get $stop))
                (local.set $out (i32.add (local.get $out) (i32.const 12)))
                (global.set $kept (i32.add (global.get $kept) (i32.const 1)))))))
        (global.set $lines (i32.add (global.get $lines) (i32.const 1)))
        (local.set $p (i32.add (local.get $e) (i32.const 1)))
        (br $line)))
    (local.get $p))
)
