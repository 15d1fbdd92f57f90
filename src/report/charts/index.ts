// The chart functions the report and the web dashboard share: data in, self-contained SVG out.
export { barChartSvg, type BarChartOptions, type BarRow } from './bar-chart.js';
export { countFill, legendSvg, NO_DATA_FILL, paletteAt } from './color-scale.js';
export { alpha2OfShape, numericOf } from './country-codes.js';
export { esc, fmtInt, fmtShare } from './svg-util.js';
export { shortDay, trendChartSvg, type TrendChartOptions, type TrendPoint } from './trend-chart.js';
export { ATLAS_ATTRIBUTION, loadWorldAtlas, type CountryShape, type WorldAtlas } from './world-atlas.js';
export { countriesOffMap, worldMapSvg, type CountryCount, type WorldMapOptions } from './world-map.js';
