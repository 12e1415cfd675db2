import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The Maker/Checker Gate's secret and its allow-list of checkers. Both are an administrator's settings, not a
 * workflow's: whoever may edit a workflow must not be able to add themselves as a checker or change the key that
 * signs approval requests. There is no service behind it: its Test button (the gate node's `testGateCredential`)
 * checks the values themselves.
 */
export class MspMakerCheckerApi implements ICredentialType {
	name = 'mspMakerCheckerApi';

	displayName = 'Maker/Checker Gate API';

	icon = { light: 'file:../nodes/MakerCheckerGate/makerCheckerGate.svg', dark: 'file:../nodes/MakerCheckerGate/makerCheckerGate.dark.svg' } as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-msp-ops';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'At least 32 random characters, for example the output of `openssl rand -hex 32`. Signs approval requests and checker codes; use the same secret on every n8n instance that sends or verifies approvals. Changing it voids every approval request still open.',
		},
		{
			displayName: 'Checkers',
			name: 'checkers',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: 'bob@example.com, carol@example.com',
			description:
				'Who may approve changes: email addresses separated by commas or new lines. The maker of a change is never a checker of it, even when listed here.',
		},
	];
}
