// Prints where the Glassbox packages resolve to under tsx (the tsconfig `paths`): the TypeScript sources.
for (const name of [
  '@glassbox/core',
  '@glassbox/exporters',
  '@glassbox/adapters/openai',
  '@glassbox/fake-llm',
]) {
  console.log(`${name} -> ${import.meta.resolve(name)}`);
}
