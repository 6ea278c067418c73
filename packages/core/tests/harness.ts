// The shared test helpers now live in the private workspace package `@glassbox/test-harness`
// (tools/test-harness); this path stays as a re-export for suites that still import it.
export * from '@glassbox/test-harness';
