import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class MspUnifiNetworkApi implements ICredentialType {
	name = 'mspUnifiNetworkApi';

	displayName = 'UniFi Network (Local Console) API';

	icon = { light: 'file:../nodes/UnifiSites/unifiSites.svg', dark: 'file:../nodes/UnifiSites/unifiSites.dark.svg' } as const;

	documentationUrl = 'https://help.ui.com/hc/en-us/articles/30076656117655-Getting-Started-with-the-Official-UniFi-API';

	properties: INodeProperties[] = [
		{
			displayName: 'Console URL',
			name: 'consoleUrl',
			type: 'string',
			default: '',
			placeholder: 'https://192.168.1.1',
			required: true,
			description: 'Address of the UniFi console (UDM, UCG, Cloud Key) or Network server, as n8n can reach it',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'On the console: Settings > Control Plane > Integrations > Create API Key',
		},
		{
			displayName: 'Allow Self-Signed Certificate',
			name: 'allowSelfSigned',
			type: 'boolean',
			default: false,
			description: 'Whether to accept the console\'s self-signed TLS certificate (consoles ship with one)',
		},
		{
			displayName: 'API',
			name: 'api',
			type: 'options',
			default: 'legacy',
			description: 'Which API of the console the UniFi Sites node reads with this key',
			options: [
				{
					name: 'Legacy API (WiFi Signal per Client)',
					value: 'legacy',
					description: 'Paths under /api/s/{site}: client signal in dBm, networks with VLANs. Some consoles accept keys only on the official API.',
				},
				{
					name: 'Official Integration API',
					value: 'integration',
					description: 'Paths under /integration/v1, documented for API keys: clients (no signal), devices with statistics, networks',
				},
			],
		},
		{
			displayName: 'Path Prefix',
			name: 'pathPrefix',
			type: 'string',
			default: '/proxy/network',
			description: 'Prefix of the Network application API on a UniFi OS console: /proxy/network. Classic self-hosted controllers have no API keys (they need a cookie login), so this credential cannot reach them.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-API-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{String($credentials.consoleUrl || "").replace(/\\/+$/, "") + String($credentials.pathPrefix === undefined ? "/proxy/network" : $credentials.pathPrefix).replace(/\\/+$/, "")}}',
			url: '={{$credentials.api === "integration" ? "/integration/v1/sites" : "/api/self/sites"}}',
			method: 'GET',
			skipSslCertificateValidation: '={{$credentials.allowSelfSigned}}',
		},
	};
}
