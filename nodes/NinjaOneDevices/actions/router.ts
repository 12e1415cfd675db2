import { routerFor, type OperationModule } from '../../shared/router';
import * as alertGetAll from './alert/getAll.operation';
import * as deviceGet from './device/get.operation';
import * as deviceGetAll from './device/getAll.operation';
import * as deviceHealthGetAll from './deviceHealth/getAll.operation';
import * as organizationGetAll from './organization/getAll.operation';

export const operations: Record<string, Record<string, OperationModule>> = {
	alert: { getAll: alertGetAll },
	device: { get: deviceGet, getAll: deviceGetAll },
	deviceHealth: { getAll: deviceHealthGetAll },
	organization: { getAll: organizationGetAll },
};

export const router = routerFor(operations);
