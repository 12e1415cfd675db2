/**
 * The sandbox world as the records the UniFi Sites and NinjaOne Devices nodes emit with Simplify on, built
 * in-process through the same lib simplify functions the nodes use. For the Health Score bench and the
 * model's calibration test, which must not spend their time in HTTP.
 */
import type { DomainRecord } from '../../lib/domain';
import { simplifyAlert, simplifyDeviceHealth, simplifyOrganization } from '../../lib/ninjaone/simplify';
import type { NinjaAlert, NinjaDeviceHealth, NinjaOrganization } from '../../lib/ninjaone/schemas';
import { simplifySite } from '../../lib/unifi/simplify';
import type { UnifiSite } from '../../lib/unifi/schemas';
import type { World } from './world';

export interface EstateRecordCounts {
	sites: number;
	unifiDevices: number;
	wifiClients: number;
	organizations: number;
	ninjaDevices: number;
	alerts: number;
}

export function estateRecords(world: World): { records: DomainRecord[]; counts: EstateRecordCounts } {
	const records: DomainRecord[] = [];
	const counts: EstateRecordCounts = { sites: 0, unifiDevices: 0, wifiClients: 0, organizations: 0, ninjaDevices: 0, alerts: 0 };
	for (const site of world.sites) {
		const u = site.unifi;
		records.push(simplifySite({ siteId: u.siteId, hostId: u.hostId, meta: u.meta, statistics: u.statistics, permission: 'admin', isOwner: true } as unknown as UnifiSite));
		counts.sites++;
		counts.unifiDevices += u.devicePlan.total;
		for (const client of u.clients) {
			if (client.isWired || client.signal === null) continue;
			records.push({
				kind: 'unifi.client',
				site: u.localSiteName,
				siteId: u.siteId,
				mac: client.mac,
				hostname: client.hostname,
				signalDbm: client.signal,
				vlan: client.vlan,
				essid: client.essid,
				apMac: client.apMac,
				satisfaction: client.satisfaction,
			});
			counts.wifiClients++;
		}
	}
	for (const org of world.ninjaOrganizations) {
		records.push(simplifyOrganization({ id: org.id, name: org.name, description: org.description, fields: org.fields } as unknown as NinjaOrganization));
		counts.organizations++;
		for (const device of org.devices) {
			records.push(simplifyDeviceHealth({ deviceId: device.id, offline: device.offline, ...device.health } as unknown as NinjaDeviceHealth, org.id));
			counts.ninjaDevices++;
		}
		for (const alert of org.alerts) {
			records.push(simplifyAlert({ uid: alert.uid, deviceId: alert.deviceId, sourceType: alert.sourceType, message: alert.message } as unknown as NinjaAlert, org.id));
			counts.alerts++;
		}
	}
	return { records, counts };
}
