export function main(_argv: string[], _env: NodeJS.ProcessEnv): number {
  return 111;
}
