import type { EmulatorOptions } from './core';
import { SANDBOX_CREDENTIALS, type SandboxCredentials } from './credentials';
import { HubSpotEmulator } from './hubspot';
import { NinjaOneEmulator } from './ninjaone';
import { NotionEmulator } from './notion';
import { SupabaseEmulator, type SupabaseEmulatorOptions } from './supabase';
import { UnifiNetworkEmulator } from './unifiNetwork';
import { UnifiSiteManagerEmulator } from './unifi';
import { generateWorld, type World, type WorldOptions } from './world';
import { seedWorkspace, type SeededWorkspace } from './workspace';

/**
 * Starts the local emulators of every external API over one seeded world. Used in-process by unit tests and
 * benchmarks, and by `npm run sandbox` (test/sandbox/cli.ts) for n8n runs in other processes.
 */

export type ServiceKey = 'unifi' | 'unifiNetwork' | 'ninjaone' | 'notion' | 'hubspot' | 'supabase';
export const ALL_SERVICES: ServiceKey[] = ['unifi', 'unifiNetwork', 'ninjaone', 'notion', 'hubspot', 'supabase'];

export interface SandboxOptions {
	world?: WorldOptions;
	/** Which emulators to start (default: all). */
	services?: ServiceKey[];
	/** Fixed ports by service (default: any free port). */
	ports?: Partial<Record<ServiceKey, number>>;
	/** Per-service emulator options (rate limits, faults, clock). */
	emulator?: Partial<Record<ServiceKey, EmulatorOptions>>;
	supabase?: Omit<SupabaseEmulatorOptions, keyof EmulatorOptions>;
	/**
	 * Seed the Notion databases a team keeps before the pipelines run (Config Changes, Azure Pipeline, Runbooks;
	 * test/sandbox/workspace.ts). Default true; off for tests that count every database in the workspace.
	 */
	workspace?: boolean;
	/**
	 * Credentials the emulators accept instead of SANDBOX_CREDENTIALS (each one given replaces that value only; the
	 * others keep theirs). For tests that must recognise every secret wherever it turns up, e.g. the reliability
	 * suite's secrets area; `sandbox.credentials` holds the values in force.
	 */
	credentials?: Partial<SandboxCredentials>;
}

export interface Sandbox {
	world: World;
	urls: Partial<Record<ServiceKey, string>>;
	credentials: SandboxCredentials;
	unifi?: UnifiSiteManagerEmulator;
	unifiNetwork?: UnifiNetworkEmulator;
	ninjaone?: NinjaOneEmulator;
	notion?: NotionEmulator;
	hubspot?: HubSpotEmulator;
	supabase?: SupabaseEmulator;
	/** The seeded Notion workspace databases and what each row is there for (when Notion runs and workspace is on). */
	workspace?: SeededWorkspace;
	stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const world = generateWorld(options.world ?? {});
	const wanted = new Set(options.services ?? ALL_SERVICES);
	const opts = (key: ServiceKey): EmulatorOptions => ({ ...(options.emulator?.[key] ?? {}), port: options.ports?.[key] ?? options.emulator?.[key]?.port ?? 0 });
	const credentials: SandboxCredentials = Object.freeze({ ...SANDBOX_CREDENTIALS, ...definedOnly(options.credentials ?? {}) });
	const sandbox: Sandbox = { world, urls: {}, credentials, stop: async () => undefined };
	const started: Array<{ stop(): Promise<void> }> = [];
	try {
		if (wanted.has('unifi')) sandbox.unifi = new UnifiSiteManagerEmulator(world, { ...opts('unifi'), apiKey: credentials.unifiApiKey });
		if (wanted.has('unifiNetwork')) sandbox.unifiNetwork = new UnifiNetworkEmulator(world, { ...opts('unifiNetwork'), apiKey: credentials.unifiNetworkApiKey });
		if (wanted.has('ninjaone')) sandbox.ninjaone = new NinjaOneEmulator(world, { ...opts('ninjaone'), clientId: credentials.ninjaClientId, clientSecret: credentials.ninjaClientSecret });
		if (wanted.has('notion')) {
			sandbox.notion = new NotionEmulator({ ...opts('notion'), token: credentials.notionToken });
			if (options.workspace !== false) sandbox.workspace = seedWorkspace(sandbox.notion, world);
		}
		if (wanted.has('hubspot')) sandbox.hubspot = new HubSpotEmulator(world, { ...opts('hubspot'), token: credentials.hubspotToken });
		if (wanted.has('supabase')) sandbox.supabase = new SupabaseEmulator({ ...opts('supabase'), ...(options.supabase ?? {}), serviceKey: credentials.supabaseServiceKey });
		for (const key of ALL_SERVICES) {
			const emulator = sandbox[key];
			if (!emulator) continue;
			sandbox.urls[key] = await emulator.start();
			started.push(emulator);
		}
	} catch (error) {
		await Promise.allSettled(started.map((e) => e.stop()));
		throw error;
	}
	sandbox.stop = async () => {
		await Promise.allSettled(started.map((e) => e.stop()));
	};
	return sandbox;
}

/** The given values only: an explicit undefined does not replace a default credential. */
function definedOnly(given: Partial<SandboxCredentials>): Partial<SandboxCredentials> {
	return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<SandboxCredentials>;
}

export { SANDBOX_CREDENTIALS, type SandboxCredentials };
