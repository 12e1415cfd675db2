import type { IExecuteFunctions } from 'n8n-workflow';

/** A warning above the node's output in the editor (n8n's execution hints; older hosts without them just skip it). */
export function warnOnOutput(ctx: IExecuteFunctions, message: string): void {
	const hints = (ctx as { addExecutionHints?: (...hints: Array<{ message: string; type: 'warning'; location: 'outputPane' }>) => void }).addExecutionHints;
	try {
		hints?.call(ctx, { message, type: 'warning', location: 'outputPane' });
	} catch {
		// hints are a convenience of newer n8n versions
	}
}
