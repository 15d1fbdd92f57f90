// Values of a result row (driver.ts) as the records take them: what an engine reads back as NULL
// becomes undefined, a list that is NULL becomes empty.

/** The value, or undefined for NULL. */
export const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

/** The number, or undefined for NULL (64-bit integers come back as bigint). */
export const optNum = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

/** The number, or 0 for NULL. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** The list, or an empty one for NULL. */
export const list = (v: unknown): string[] => (v as string[] | null) ?? [];
