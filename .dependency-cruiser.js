// The layer check (`npm run lint:layers`, issue #13 part 9): which folder may import which.
// Type-only imports count like any other: a type from the wrong layer couples the layers as
// surely as a value does. README.md, "Layers", says the same rules in words.

/** Adapters: the infrastructure behind the ports. None of them imports another. */
const ADAPTERS = '(db|store|sms|captcha|passwords|metrics|tokens|mini-programs)';

/**
 * The one file of each adapter folder the services may import: its port (the interface and
 * the records and errors that cross it).
 */
const PORTS = [
  '^src/db/user-store[.]ts$',
  '^src/store/key-value-store[.]ts$',
  '^src/sms/sms-sender[.]ts$',
  '^src/captcha/captcha-renderer[.]ts$',
  '^src/passwords/password-hasher[.]ts$',
  '^src/tokens/keys[.]ts$',
  '^src/mini-programs/platforms[.]ts$',
];

/** What the services own that an adapter may need: the domain types and the events port. */
const SERVICE_TYPES_FOR_ADAPTERS = ['^src/services/users[.]ts$', '^src/services/events[.]ts$'];

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'services-not-to-http',
      comment: 'The domain knows nothing of Fastify: src/services never imports src/http.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'services-through-ports',
      comment: 'The services reach an adapter folder only through its port file, never an implementation.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: `^src/${ADAPTERS}/`, pathNot: PORTS },
    },
    {
      name: 'adapter-not-to-other-adapter',
      comment: 'An adapter never imports another adapter folder; what two of them share lives outside both.',
      severity: 'error',
      from: { path: `^src/${ADAPTERS}/` },
      to: { path: `^src/${ADAPTERS}/`, pathNot: '^src/$1/' },
    },
    {
      name: 'sms-provider-not-to-services',
      comment: 'SMS providers (src/sms) never import src/services: phone formatting is in src/shared.',
      severity: 'error',
      from: { path: '^src/sms/' },
      to: { path: '^src/services/' },
    },
    {
      name: 'adapter-only-to-service-types',
      comment: 'Other adapters may take from src/services only the domain types and the events port.',
      severity: 'error',
      from: { path: `^src/${ADAPTERS}/` },
      to: { path: '^src/services/', pathNot: SERVICE_TYPES_FOR_ADAPTERS },
    },
    {
      name: 'http-not-to-adapters',
      comment:
        'Routes and plugins reach storage and providers through the services. The one exception: ' +
        'the /metrics plugin serves the Prometheus adapter it is handed.',
      severity: 'error',
      from: { path: '^src/http/', pathNot: '^src/http/plugins/metrics[.]ts$' },
      to: { path: `^src/${ADAPTERS}/` },
    },
    {
      name: 'shared-stays-plain',
      comment: 'src/shared is imported by web/ too: nothing from the server, nothing from Node.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { pathNot: ['^src/shared/', '(^|/)node_modules/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'shared-no-node-builtins',
      comment: 'src/shared runs in the browser as well: no Node built-in modules.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'web-only-web-and-shared',
      comment: 'The pages import web/, src/shared and npm packages, never the server.',
      severity: 'error',
      from: { path: '^web/src/' },
      // Vite resolves its own specifiers (`altcha/workers/pbkdf2?worker`, CSS); those are npm's.
      to: {
        pathNot: ['^web/', '^src/shared/', '(^|/)node_modules/'],
        dependencyTypesNot: ['core'],
        couldNotResolve: false,
      },
    },
    {
      name: 'web-no-node-builtins',
      comment: 'The pages run in the browser: no Node built-in modules.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'relative-imports-resolve',
      comment: 'A relative import that cannot be resolved would slip past every rule above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, path: '^[.]{1,2}/' },
    },
    {
      name: 'no-circular',
      comment: 'No module reaches itself again through its imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Count `import type` too (see the top of this file).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
