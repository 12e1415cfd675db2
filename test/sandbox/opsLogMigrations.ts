import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The ops log schema ships as versioned SQL files (`lib/opslog/migrations/NNNN_name.sql`, copied into dist/ by the
 * build) that users run in Supabase. Every file is idempotent, so applying all of them in order is how a database is
 * created and how it is upgraded. This reader serves the sandbox and the schema tests; no node applies migrations,
 * so it is not part of the package (file access is not something a node should need).
 */

export const MIGRATIONS_DIR = path.join(__dirname, '..', '..', 'lib', 'opslog', 'migrations');

export interface Migration {
	/** File name without `.sql`, for example `0001_ops_log_tables`; recorded in ops_log_schema_versions. */
	version: string;
	file: string;
	sql: string;
}

/** The migrations in `dir`, in the order they must be applied. */
export function listMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
	return fs
		.readdirSync(dir)
		.filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
		.sort()
		.map((name) => {
			const file = path.join(dir, name);
			return { version: name.slice(0, -'.sql'.length), file, sql: fs.readFileSync(file, 'utf8') };
		});
}

/**
 * Apply every migration in order with `run` (one SQL text per call, for example pg's `client.query`). Returns the
 * versions applied. Running it again on the same database changes nothing.
 */
export async function applyMigrations(run: (sql: string) => Promise<unknown>, dir: string = MIGRATIONS_DIR): Promise<string[]> {
	const applied: string[] = [];
	for (const migration of listMigrations(dir)) {
		await run(migration.sql);
		applied.push(migration.version);
	}
	return applied;
}
