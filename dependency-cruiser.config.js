// File-level import cycles, which the layer rules (architecture.config.js, eslint-plugin-boundaries) cannot see: a
// cycle inside one package makes module initialisation order matter and hides which file depends on which.
// Type-only imports are erased at run time and left out. Read by `pnpm cycles` in the test command.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle between source files: move what both need into a third module.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(packages|apps|workflows|scripts)/.*\\.tsx?$',
    exclude: { path: ['node_modules', '(^|/)dist[^/]*/', '\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'default'],
      extensions: ['.ts', '.tsx', '.js'],
    },
  },
};
