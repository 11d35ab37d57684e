// The roster page of a course (#/teach/:course/roster): members with their roles; for those who
// manage the roster (instructors, admins) also add one person, import a CSV with its per-row
// report, change a role, remove. Names, emails and CSV cells are inserted as text only.
import { ApiError, del, get, patch, post } from '../api';
import { h, replace, uid } from '../dom';
import { time } from '../format';
import { enc, type RouteContext } from '../router';
import type { AddedMember, Course, CourseRole, Member, RosterImportReport } from '../types';
import { empty, errorBox, table } from '../ui';
import { getCourse, shell } from './teach';

const ROLES: [CourseRole, string][] = [
  ['student', 'Student'],
  ['ta', 'Teaching assistant'],
  ['instructor', 'Instructor'],
];
const roleLabel = (role: string) => ROLES.find(([r]) => r === role)?.[1] ?? role;
const OUTCOMES: Record<string, string> = { created: 'Created', enrolled: 'Enrolled', role_changed: 'Role changed', unchanged: 'Unchanged', error: 'Error' };

/** #/teach/:course/roster */
export async function rosterPage(ctx: RouteContext): Promise<void> {
  const slug = ctx.params.course;
  const [course, members] = await Promise.all([getCourse(ctx), get<Member[]>(`/courses/${enc(slug)}/members`, { signal: ctx.signal })]);
  const manages = course.yourRole === 'admin' || course.yourRole === 'instructor';
  const status = h('div', { role: 'status', 'aria-live': 'polite', class: 'roster-status' });
  const list = h('div', null);
  const render = (rows: Member[]) => renderMembers(list, course, rows, manages ? ctx.me.id : null, status, reload);
  const reload = async () => render(await get<Member[]>(`/courses/${enc(slug)}/members`, { signal: ctx.signal }));
  render(members);
  shell(
    ctx,
    course,
    'roster',
    h(
      'section',
      { 'aria-labelledby': 'roster-title' },
      h('h2', { id: 'roster-title' }, 'Members'),
      manages ? null : h('p', { class: 'muted' }, 'Only the course’s instructors and admins change the roster.'),
      status,
      list,
    ),
    manages ? addForm(course, reload) : null,
    manages ? importForm(course, reload) : null,
  );
}

/** `manager` is the id of the signed-in user when they manage the roster (their own row has no controls), else null. */
function renderMembers(target: HTMLElement, course: Course, members: Member[], manager: string | null, status: HTMLElement, reload: () => Promise<void>): void {
  const manages = manager !== null;
  if (!members.length) {
    replace(target, empty('Nobody is on the roster yet.'));
    return;
  }
  const headers = ['Name', 'Email', 'External id', 'Role', 'Enrolled', ...(manages ? ['Remove'] : [])];
  replace(
    target,
    table(
      `Members of ${course.title}`,
      headers,
      members.map((m) => [
        m.displayName,
        m.email ?? h('span', { class: 'muted' }, '–'),
        m.externalId ? h('code', null, m.externalId) : h('span', { class: 'muted' }, '–'),
        manages && m.userId !== manager ? roleChanger(course, m, status, reload) : roleLabel(m.role),
        time(m.enrolledAt),
        ...(manages && m.userId === manager ? [h('span', { class: 'muted' }, 'you')] : []),
        ...(manages && m.userId !== manager
          ? [
              h(
                'button',
                {
                  type: 'button',
                  class: 'button secondary',
                  'aria-label': `Remove ${m.displayName}`,
                  onClick: async () => {
                    if (!window.confirm(`Remove ${m.displayName} from ${course.title}? Their keys for this course stop working.`)) return;
                    await act(status, async () => {
                      await del(`/courses/${enc(course.slug)}/members/${enc(m.userId)}`);
                      await reload();
                      return `${m.displayName} was removed.`;
                    });
                  },
                },
                'Remove',
              ),
            ]
          : []),
      ]),
      { className: 'roster-table' },
    ),
  );
}

function roleChanger(course: Course, member: Member, status: HTMLElement, reload: () => Promise<void>): HTMLElement {
  const id = uid('role');
  const select = h(
    'select',
    { id },
    ROLES.map(([value, label]) => h('option', { value, selected: value === member.role }, label)),
  );
  return h(
    'form',
    {
      class: 'role-change',
      onSubmit: async (event: Event) => {
        event.preventDefault();
        await act(status, async () => {
          const changed = await patch<Member>(`/courses/${enc(course.slug)}/members/${enc(member.userId)}`, { role: select.value });
          await reload();
          return `${changed.displayName} is now ${roleLabel(changed.role).toLowerCase()}.`;
        });
      },
    },
    h('label', { for: id, class: 'sr-only' }, `Role of ${member.displayName}`),
    select,
    h('button', { type: 'submit', class: 'button secondary' }, 'Change'),
  );
}

function addForm(course: Course, reload: () => Promise<void>): HTMLElement {
  const result = h('div', { role: 'status', 'aria-live': 'polite' });
  const field = (label: string, input: HTMLElement, help?: string) => {
    const id = uid('add');
    input.id = id;
    return h('div', { class: 'field' }, h('label', { for: id }, label), input, help ? h('p', { class: 'help' }, help) : null);
  };
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'off' });
  const externalId = h('input', { type: 'text', name: 'externalId', autocomplete: 'off' });
  const name = h('input', { type: 'text', name: 'displayName', autocomplete: 'off', maxlength: '200' });
  const role = h(
    'select',
    { name: 'role' },
    ROLES.map(([value, label]) => h('option', { value }, label)),
  );
  return h(
    'section',
    { 'aria-labelledby': 'add-title', class: 'roster-section' },
    h('h2', { id: 'add-title' }, 'Add a person'),
    h(
      'p',
      { class: 'help' },
      'Someone memgrade knows (by email or external id) is enrolled; anyone else is created, with a first key to hand them. Instructors create students and teaching assistants.',
    ),
    h(
      'form',
      {
        class: 'filters roster-form',
        onSubmit: async (event: Event) => {
          event.preventDefault();
          replace(result);
          const body = { email: email.value.trim() || undefined, externalId: externalId.value.trim() || undefined, displayName: name.value.trim() || undefined, role: role.value };
          try {
            const added = await post<AddedMember>(`/courses/${enc(course.slug)}/members`, body);
            replace(result, addedMessage(added));
            (event.target as HTMLFormElement).reset();
            await reload();
          } catch (error) {
            replace(result, errorBox(error, 'Could not add this person'));
          }
        },
      },
      field('Email', email),
      field('External id', externalId, 'The id in your LMS, if any'),
      field('Name', name, 'Needed for someone new'),
      field('Role', role),
      h('button', { type: 'submit', class: 'button primary' }, 'Add'),
    ),
    result,
  );
}

function addedMessage(added: AddedMember): HTMLElement {
  const who = added.member.displayName;
  const text = {
    created: `${who} was created and enrolled as ${roleLabel(added.member.role).toLowerCase()}.`,
    enrolled: `${who} was enrolled as ${roleLabel(added.member.role).toLowerCase()}.`,
    role_changed: `${who} was on the roster already; their role is now ${roleLabel(added.member.role).toLowerCase()}.`,
    unchanged: `${who} was on the roster already with this role: nothing changed.`,
  }[added.outcome];
  return h(
    'div',
    { class: 'notice' },
    h('p', null, text),
    added.key ? h('p', null, 'Their key, shown only now — hand it to them (it works in this course only): ', h('code', { class: 'issued-key' }, added.key.secret)) : null,
  );
}

function importForm(course: Course, reload: () => Promise<void>): HTMLElement {
  const report = h('div', { role: 'status', 'aria-live': 'polite' });
  const fileId = uid('csv-file');
  const textId = uid('csv-text');
  const file = h('input', { type: 'file', id: fileId, accept: '.csv,text/csv,text/plain' });
  const text = h('textarea', { id: textId, rows: 5, class: 'csv-text', spellcheck: 'false', placeholder: 'email,external_id,name,role' });
  return h(
    'section',
    { 'aria-labelledby': 'import-title', class: 'roster-section' },
    h('h2', { id: 'import-title' }, 'Import a CSV'),
    h(
      'p',
      { class: 'help' },
      'A header row, then one person a row: ',
      h('code', null, 'email'),
      ' and/or ',
      h('code', null, 'external_id'),
      ', ',
      h('code', null, 'name'),
      ', ',
      h('code', null, 'role'),
      ' (student, ta or instructor; empty means student). Each row is applied on its own: a bad row is reported and changes nothing; at most 1000 rows.',
    ),
    h(
      'form',
      {
        class: 'roster-import',
        onSubmit: async (event: Event) => {
          event.preventDefault();
          replace(report);
          const chosen = file.files?.[0];
          const csv = chosen ? await chosen.text() : text.value;
          if (!csv.trim()) {
            replace(report, h('p', { class: 'bad-text' }, 'Choose a CSV file or paste its text first.'));
            return;
          }
          try {
            const done = await post<RosterImportReport>(`/courses/${enc(course.slug)}/members/import`, { csv });
            replace(report, importReport(done));
            await reload();
          } catch (error) {
            replace(report, errorBox(error, 'The file was not imported'));
          }
        },
      },
      h('div', { class: 'field' }, h('label', { for: fileId }, 'CSV file'), file),
      h('div', { class: 'field' }, h('label', { for: textId }, 'or paste the CSV'), text),
      h('p', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Import')),
    ),
    report,
  );
}

function importReport(done: RosterImportReport): HTMLElement {
  const c = done.counts;
  return h(
    'div',
    { class: 'import-report' },
    h('h3', null, 'Import report'),
    h('p', null, `${c.created} created, ${c.enrolled} enrolled, ${c.role_changed} role changed, ${c.unchanged} unchanged, ${c.error} with errors.`),
    table(
      'Import report, one row per line of the file',
      ['Line', 'Outcome', 'Email', 'External id', 'Name', 'Role', 'Why'],
      done.rows.map((r) => [
        String(r.row),
        h('span', { class: `badge outcome-${r.outcome}` }, OUTCOMES[r.outcome] ?? r.outcome),
        r.email ?? '',
        r.externalId ?? '',
        r.name ?? '',
        r.role ?? '',
        r.reason ? [r.field ? h('code', null, r.field) : null, ' ', r.reason] : '',
      ]),
      { className: 'report-table' },
    ),
  );
}

/** Runs a roster change, saying in the status region what happened or what went wrong. */
async function act(status: HTMLElement, change: () => Promise<string>): Promise<void> {
  try {
    replace(status, h('p', { class: 'notice' }, await change()));
  } catch (error) {
    replace(status, error instanceof ApiError ? errorBox(error, 'That did not work') : errorBox(error));
  }
}
