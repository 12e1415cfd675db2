/**
 * The credentials every emulator accepts. They are test values for the local sandbox only; the emulators
 * reject anything else with the service's real 401 body.
 */
export const SANDBOX_CREDENTIALS = Object.freeze({
	unifiApiKey: 'sandbox-unifi-key',
	unifiNetworkApiKey: 'sandbox-unifi-network-key',
	ninjaClientId: 'sandbox-ninja-client',
	ninjaClientSecret: 'sandbox-ninja-client-secret-value',
	notionToken: 'sandbox-notion-integration-token',
	hubspotToken: 'sandbox-hubspot-private-app-token',
	supabaseServiceKey: 'sandbox-supabase-service-role-key',
	/** The Maker/Checker Gate's signing secret in the sandbox (at least 32 characters, as the credential requires). */
	gateSigningSecret: 'sandbox-maker-checker-signing-secret-0123456789',
});

/** One value per credential field of the sandbox (`startSandbox({credentials})` may replace any of them). */
export type SandboxCredentials = { readonly [K in keyof typeof SANDBOX_CREDENTIALS]: string };
