/**
 * `npm run bench -- <name> [--flag value ...] [--json]`: runs bench/<name>.ts, whose `run(args)` returns a
 * result object. The result is printed as one JSON object on the last line (the contract other tools read).
 */
import * as path from 'node:path';
import { useRealSleep } from '../test/sandbox/realSleep';

export type BenchArgs = Record<string, string | boolean>;

function parseArgs(argv: string[]): BenchArgs {
	const args: BenchArgs = {};
	for (let i = 0; i < argv.length; i++) {
		const token = argv[i];
		if (!token.startsWith('--')) continue;
		const key = token.slice(2);
		const next = argv[i + 1];
		if (next !== undefined && !next.startsWith('--')) {
			args[key] = next;
			i++;
		} else args[key] = true;
	}
	return args;
}

async function main(): Promise<void> {
	useRealSleep();
	const [name, ...rest] = process.argv.slice(2);
	if (!name || !/^[a-z0-9-]+$/.test(name)) {
		process.stderr.write('usage: npm run bench -- <name> [--flags] [--json]\n');
		process.exit(2);
	}
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(path.join(__dirname, `${name}.ts`)) as { run(args: BenchArgs): Promise<Record<string, unknown>> };
	const result = await mod.run(parseArgs(rest));
	process.stdout.write(JSON.stringify(result) + '\n');
	process.exit(0);
}

main().catch((error) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
