import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class MspHubSpotApi implements ICredentialType {
	name = 'mspHubSpotApi';

	displayName = 'HubSpot CRM (Private App) API';

	icon = { light: 'file:../nodes/HubSpotCrm/hubSpotCrm.svg', dark: 'file:../nodes/HubSpotCrm/hubSpotCrm.dark.svg' } as const;

	documentationUrl = 'https://developers.hubspot.com/docs/guides/apps/private-apps/overview';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Private app access token (HubSpot: Settings > Integrations > Private Apps, scopes crm.objects.companies.read/write, crm.objects.contacts.read/write, crm.schemas.companies.read/write, crm.schemas.contacts.read/write) or a service key. Sent as a Bearer token.',
		},
		{
			displayName: 'API Tier',
			name: 'tier',
			type: 'options',
			default: 'freeStarter',
			description: 'The account\'s burst limit, used until HubSpot\'s rate-limit headers say what it is',
			options: [
				{ name: 'Free or Starter (100 per 10 s)', value: 'freeStarter' },
				{ name: 'Professional or Enterprise (190 per 10 s)', value: 'professionalEnterprise' },
				{ name: 'API Limit Increase (250 per 10 s)', value: 'apiLimitIncrease' },
			],
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.hubapi.com',
			description: 'HubSpot API base URL (change only for a proxy or a local emulator)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.hubapi.com").replace(/\\/+$/, "")}}',
			url: '/crm/v3/objects/companies',
			qs: { limit: 1 },
			method: 'GET',
		},
	};
}
