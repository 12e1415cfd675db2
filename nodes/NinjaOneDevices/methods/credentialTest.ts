import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { redact } from '../../../lib/http/redact';
import { ninjaClientFromCredential } from '../transport';

/** Credential test for mspNinjaOneApi: asks NinjaOne for a fresh client-credentials token through lib. */
export async function ninjaOneApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	try {
		const client = ninjaClientFromCredential(credential.data ?? {});
		const { scopes } = await client.testConnection();
		return { status: 'OK', message: `Connection successful (token issued for scopes: ${scopes})` };
	} catch (error) {
		return { status: 'Error', message: redact(error instanceof Error ? error.message : String(error)) };
	}
}
