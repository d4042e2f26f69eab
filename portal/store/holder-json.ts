// Card holders are stored as JSON columns (handoffs, sessions, organisation validations).
import type { UziHolder } from '@zorgid/uzi';

export const parseHolder = (json: string | null): UziHolder | null => (json ? (JSON.parse(json) as UziHolder) : null);
