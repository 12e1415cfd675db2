/**
 * Records keyed by names that come from outside (Notion property names, HubSpot property names, item fields): any
 * string, `__proto__`, `constructor` and `toString` included. A plain `record[name]` read finds what Object.prototype
 * inherits (`record.constructor` is the Object function), and a plain `record[name] = value` with `__proto__` sets the
 * record's prototype instead of adding a field, so the field is silently lost. These two helpers read and write own
 * properties only.
 */

/** The record's own value for `name`, never one inherited from Object.prototype. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined | null, name: string): T | undefined {
	return record && Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

/** Set `name` as an own, enumerable field of `record` (also for `__proto__`, which an assignment would not). */
export function setOwnValue<T>(record: Record<string, T>, name: string, value: T): void {
	Object.defineProperty(record, name, { value, writable: true, enumerable: true, configurable: true });
}
