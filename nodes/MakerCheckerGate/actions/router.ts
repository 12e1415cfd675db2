import { multiOutputRouterFor, type MultiOutputOperationModule } from '../../shared/router';
import * as evaluate from './evaluate.operation';
import * as evaluatePromotion from './evaluatePromotion.operation';
import * as verifyApproval from './verifyApproval.operation';

export const operations: Record<string, MultiOutputOperationModule> = { evaluate, evaluatePromotion, verifyApproval };

export const router = multiOutputRouterFor(operations);
