// Memberships of users in organisations (with their role) and the local attributes each membership
// holds, in SQLite.
import type Database from 'better-sqlite3';
import type { AttributeRecord, MemberQuery, MembershipRecord, PortalStore } from './store';

interface MembershipRow {
  person_id: string;
  ura: string;
  role: string;
  created_at: number;
}
const toMembership = (r: MembershipRow): MembershipRecord => ({ personId: r.person_id, ura: r.ura, role: r.role as MembershipRecord['role'], createdAt: r.created_at });

interface AttributeRow {
  id: number;
  person_id: string;
  ura: string;
  type: string;
  taakcode: string;
  created_at: number;
}
const toAttribute = (r: AttributeRow): AttributeRecord => ({
  id: r.id,
  personId: r.person_id,
  ura: r.ura,
  type: r.type as AttributeRecord['type'],
  taakcode: r.taakcode,
  createdAt: r.created_at,
});

type MembershipMethods = Pick<
  PortalStore,
  'listMemberships' | 'getMembership' | 'listMembers' | 'listMembersPage' | 'putMembership' | 'removeMembership' | 'addAttribute' | 'listAttributes'
>;

/** The write organisation activation and enrolment run inside their own transactions. */
export interface MembershipWrites {
  upsertMembership: Database.Statement;
}

// The filter of a member page, for the page and its count alike. The name is matched as typed, any
// case, anywhere in it; ids only whole. LIKE's wildcards in the search are escaped.
const MEMBER_FILTER = `FROM person_memberships m JOIN persons p ON p.id = m.person_id
  WHERE m.ura = @ura
    AND (@search IS NULL OR p.name LIKE @like ESCAPE '\\' OR p.id = @search OR p.uzi_number = @search)
    AND (@lastUseBefore IS NULL OR COALESCE(p.last_used_at, m.created_at) < @lastUseBefore)`;

function memberParams(ura: string, q: MemberQuery) {
  const search = q.search?.trim() ? q.search.trim() : null;
  return {
    ura,
    search,
    like: search === null ? null : `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`,
    lastUseBefore: q.lastUseBefore ?? null,
    limit: q.limit,
    offset: q.offset,
  };
}

export function membershipTables(db: Database.Database): { methods: MembershipMethods; writes: MembershipWrites } {
  const selectMembership = db.prepare<[string, string], MembershipRow>('SELECT * FROM person_memberships WHERE person_id = ? AND ura = ?');
  const selectMembers = db.prepare<[string], MembershipRow>('SELECT * FROM person_memberships WHERE ura = ? ORDER BY created_at, person_id');
  const selectMemberPage = db.prepare<[ReturnType<typeof memberParams>], MembershipRow>(
    `SELECT m.* ${MEMBER_FILTER} ORDER BY m.created_at, m.person_id LIMIT @limit OFFSET @offset`,
  );
  const countMembers = db.prepare<[Omit<ReturnType<typeof memberParams>, 'limit' | 'offset'>], { n: number }>(`SELECT COUNT(*) AS n ${MEMBER_FILTER}`);
  const deleteMembership = db.prepare('DELETE FROM person_memberships WHERE person_id = ? AND ura = ?');
  const deleteAttributes = db.prepare('DELETE FROM attributes WHERE person_id = ? AND ura = ?');
  const insertAttribute = db.prepare(
    'INSERT INTO attributes (person_id, ura, type, taakcode, created_at) VALUES (@personId, @ura, @type, @taakcode, @createdAt)',
  );
  const selectAttributes = db.prepare<[string, string], AttributeRow>('SELECT * FROM attributes WHERE person_id = ? AND ura = ? ORDER BY id');
  const removeMembership = db.transaction((personId: string, ura: string) => {
    deleteAttributes.run(personId, ura);
    return deleteMembership.run(personId, ura).changes === 1;
  });
  const upsertMembership = db.prepare(
    `INSERT INTO person_memberships (person_id, ura, role, created_at) VALUES (@personId, @ura, @role, @createdAt)
     ON CONFLICT(person_id, ura) DO UPDATE SET role = excluded.role`,
  );
  const selectMemberships = db.prepare<[string], MembershipRow>('SELECT * FROM person_memberships WHERE person_id = ? ORDER BY ura');
  const methods: MembershipMethods = {
    async listMemberships(personId) {
      return selectMemberships.all(personId).map(toMembership);
    },
    async getMembership(personId, ura) {
      const row = selectMembership.get(personId, ura);
      return row ? toMembership(row) : null;
    },
    async listMembers(ura) {
      return selectMembers.all(ura).map(toMembership);
    },
    async listMembersPage(ura, query) {
      const params = memberParams(ura, query);
      const { limit: _limit, offset: _offset, ...filter } = params;
      return { members: selectMemberPage.all(params).map(toMembership), total: countMembers.get(filter)!.n };
    },
    async putMembership(m) {
      upsertMembership.run(m);
    },
    async removeMembership(personId, ura) {
      return removeMembership(personId, ura);
    },
    async addAttribute(a) {
      const id = Number(insertAttribute.run(a).lastInsertRowid);
      return { id, ...a };
    },
    async listAttributes(personId, ura) {
      return selectAttributes.all(personId, ura).map(toAttribute);
    },
  };
  return { methods, writes: { upsertMembership } };
}
