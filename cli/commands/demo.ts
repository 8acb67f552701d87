export async function demoCommand(): Promise<number> {
  throw new Error('demo: written next');
}
