// Import rules checked by `npm test` (dependency-cruiser): imports point down the pipeline.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Folders under src/ import each other in one direction only (the model is at the bottom, cli and server at the top).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'store-imports-only-core',
      comment: 'src/store is below every stage: it imports src/core and nothing else of src/ (its tests may use stages).',
      severity: 'error',
      from: { path: '^src/store/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(store|core)/' },
    },
    {
      name: 'src-not-test',
      comment: 'Production code never imports test support; tests beside the code may.',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Rules are about production code: tests and the driver conformance suite (test code that runs
    // the stages' queries over a driver) may import across folders.
    exclude: { path: ['^(dist|web|node_modules)/', '\\.test\\.ts$', '^src/store/conformance/'] },
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
