import type { NinjaAlertRecord, NinjaDeviceHealthRecord, NinjaDeviceRecord, NinjaOrganizationRecord } from '../domain';
import type { NinjaAlert, NinjaDevice, NinjaDeviceHealth, NinjaOrganization } from './schemas';

/** Validated NinjaOne payloads -> the package's domain records (lib/domain.ts). */

/** NinjaOne epoch seconds (possibly fractional) -> ISO 8601, or null. */
export function epochToIso(value: number | null | undefined): string | null {
	if (typeof value !== 'number' || !Number.isFinite(value)) return null;
	// Guard against APIs that already send milliseconds.
	const ms = value > 1e12 ? value : value * 1000;
	return new Date(Math.round(ms)).toISOString();
}

const n = (value: number | null | undefined): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export function simplifyOrganization(org: NinjaOrganization, unifiSiteIdField = 'unifiSiteId'): NinjaOrganizationRecord {
	const fields = (org.fields ?? {}) as Record<string, unknown>;
	const raw = unifiSiteIdField ? fields[unifiSiteIdField] : undefined;
	return {
		kind: 'ninjaone.organization',
		organizationId: org.id,
		name: org.name,
		description: org.description ?? null,
		unifiSiteId: typeof raw === 'string' && raw.trim() ? raw.trim() : typeof raw === 'number' ? String(raw) : null,
		fields,
	};
}

export function simplifyDevice(device: NinjaDevice): NinjaDeviceRecord {
	return {
		kind: 'ninjaone.device',
		deviceId: device.id,
		organizationId: device.organizationId,
		locationId: device.locationId ?? null,
		displayName: device.displayName || device.systemName || device.dnsName || `Device ${device.id}`,
		systemName: device.systemName ?? null,
		nodeClass: device.nodeClass,
		approvalStatus: device.approvalStatus ?? null,
		offline: device.offline,
		lastContact: epochToIso(device.lastContact),
	};
}

export function simplifyDeviceHealth(row: NinjaDeviceHealth, organizationId: number | null): NinjaDeviceHealthRecord {
	return {
		kind: 'ninjaone.deviceHealth',
		deviceId: row.deviceId,
		organizationId: row.organizationId ?? organizationId,
		healthStatus: row.healthStatus,
		offline: row.offline === true,
		alertCount: n(row.alertCount),
		activeThreatsCount: n(row.activeThreatsCount),
		failedOSPatchesCount: n(row.failedOSPatchesCount),
		pendingOSPatchesCount: n(row.pendingOSPatchesCount),
		pendingRebootReason: row.pendingRebootReason ?? null,
	};
}

export function simplifyAlert(alert: NinjaAlert, organizationId: number | null = null): NinjaAlertRecord {
	return {
		kind: 'ninjaone.alert',
		uid: alert.uid,
		deviceId: alert.deviceId ?? alert.device?.id ?? null,
		organizationId: alert.device?.organizationId ?? organizationId,
		sourceType: alert.sourceType,
		sourceName: alert.sourceName ?? null,
		subject: alert.subject ?? null,
		message: alert.message ?? alert.subject ?? '',
		createTime: epochToIso(alert.createTime),
	};
}

/**
 * Give device-health rows their organization: NinjaOne's query rows carry only `deviceId`, so rows without an
 * `organizationId` are joined with the device list. `loadDevices` is called at most once (callers pass a
 * per-execution cache) and only when a row needs it.
 */
export async function withOrganizations(
	rows: NinjaDeviceHealth[],
	loadDeviceOrganizations: () => Promise<Map<number, number>>,
): Promise<Array<{ row: NinjaDeviceHealth; organizationId: number | null }>> {
	const needsJoin = rows.some((r) => typeof r.organizationId !== 'number');
	const map = needsJoin ? await loadDeviceOrganizations() : new Map<number, number>();
	return rows.map((row) => ({ row, organizationId: typeof row.organizationId === 'number' ? row.organizationId : (map.get(row.deviceId) ?? null) }));
}
