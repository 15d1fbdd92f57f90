// The report's only stylesheet, inlined in the document: an advisory look on screen and on A4 paper.
import { FONT } from './charts/svg-util.js';

export const REPORT_CSS = `
@page { size: A4; margin: 14mm 13mm 16mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: ${FONT}; font-size: 10.5pt; line-height: 1.45; color: #1b1f24; margin: 0 auto; max-width: 190mm; padding: 10mm 0 14mm; background: #fff; }
@media print { body { padding: 0; max-width: none; } }
header.doc { border-bottom: 3px solid #08306b; padding-bottom: 8px; margin-bottom: 14px; }
header.doc .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 8.5pt; color: #08519c; font-weight: 700; }
header.doc h1 { font-size: 21pt; line-height: 1.15; margin: 2px 0 6px; color: #08306b; }
header.doc .meta { font-size: 9pt; color: #444; margin: 0; }
.marking { float: right; border: 1.5px solid #1b1f24; padding: 1px 6px; font-weight: 700; font-size: 9pt; letter-spacing: .04em; }
h2 { font-size: 13.5pt; color: #08306b; border-bottom: 1px solid #c9d3dd; padding-bottom: 2px; margin: 20px 0 8px; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 12px 0 4px; break-after: avoid; }
p { margin: 4px 0 8px; }
.headline { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; margin: 6px 0 4px; }
.headline .card { border: 1px solid #c9d3dd; border-top: 4px solid #6baed6; padding: 7px 10px 8px; break-inside: avoid; }
.headline .card.active { border-top-color: #08306b; background: #f3f7fb; }
.headline .label { font-size: 8.5pt; text-transform: uppercase; letter-spacing: .06em; font-weight: 700; color: #08519c; }
.headline .count { font-size: 22pt; font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; }
.headline .span { font-size: 8pt; color: #555; margin-bottom: 4px; }
.headline .what { font-size: 8.8pt; color: #333; margin: 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; margin: 4px 0 10px; font-size: 9.5pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th { text-align: left; border-bottom: 1.5px solid #1b1f24; padding: 3px 6px; font-size: 8.8pt; text-transform: uppercase; letter-spacing: .03em; }
td { border-bottom: 1px solid #dde3e9; padding: 3px 6px; vertical-align: top; }
th.num, td.num { text-align: right; white-space: nowrap; }
tr.others td { color: #444; font-style: italic; }
tr.total td { font-weight: 700; border-top: 1.5px solid #1b1f24; border-bottom: none; }
figure { margin: 8px 0 12px; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 8.8pt; color: #555; margin-top: 4px; }
.na { color: #666; font-style: italic; }
.note { font-size: 9pt; color: #444; }
code { font-family: ui-monospace, 'DejaVu Sans Mono', 'Liberation Mono', monospace; font-size: 8.8pt; word-break: break-all; }
ul { margin: 4px 0 8px; padding-left: 18px; }
li { margin: 1px 0; }
dl.method { display: grid; grid-template-columns: 34mm 1fr; gap: 3px 10px; margin: 4px 0; font-size: 9.5pt; }
dl.method dt { font-weight: 700; color: #08306b; }
dl.method dd { margin: 0; }
footer.doc { margin-top: 18px; border-top: 1px solid #c9d3dd; padding-top: 4px; font-size: 8pt; color: #666; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
`;
