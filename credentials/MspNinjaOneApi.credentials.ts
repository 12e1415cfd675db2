import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * NinjaOne "API Services (machine-to-machine)" application with the Client Credentials grant. There is no
 * interactive OAuth step: the NinjaOne Devices node (lib/ninjaone) fetches and caches the token itself, so a
 * credential created with `n8n import:credentials` works at once. The credential test lives on the node
 * (`methods.credentialTest.ninjaOneApiTest`) and asks for a token.
 */
export class MspNinjaOneApi implements ICredentialType {
	name = 'mspNinjaOneApi';

	displayName = 'NinjaOne Client Credentials API';

	icon = { light: 'file:../nodes/NinjaOneDevices/ninjaOneDevices.svg', dark: 'file:../nodes/NinjaOneDevices/ninjaOneDevices.dark.svg' } as const;

	documentationUrl = 'https://app.ninjarmm.com/apidocs-beta/authorization/create-applications/machine-to-machine-apps';

	properties: INodeProperties[] = [
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			default: 'us',
			options: [
				{ name: 'Canada (ca.ninjarmm.com)', value: 'ca' },
				{ name: 'Custom Base URL', value: 'custom' },
				{ name: 'EU (eu.ninjarmm.com)', value: 'eu' },
				{ name: 'Oceania (oc.ninjarmm.com)', value: 'oc' },
				{ name: 'US (app.ninjarmm.com)', value: 'us' },
				{ name: 'US2 (us2.ninjarmm.com)', value: 'us2' },
			],
			description: 'The NinjaOne instance your account lives on (the host you log in to)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://app.ninjarmm.com',
			required: true,
			displayOptions: { show: { region: ['custom'] } },
			description: 'Instance URL without /v2 (for a dedicated instance, a proxy or a local emulator)',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'Administration > Apps > API > Client App IDs: the Client ID of an "API Services (machine-to-machine)" application',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Shown once when the application is created',
		},
		{
			displayName: 'Scopes',
			name: 'scopes',
			type: 'string',
			default: 'monitoring',
			description: 'Space-separated scopes enabled on the application: monitoring (read), management (write), control (remote). The nodes only read, so monitoring is enough.',
		},
	];
}
