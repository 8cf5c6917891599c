/**
 * The Timescales view: choose Scotland's or England's timescales, edit the stages (name, the
 * milestone each starts at, the milestones that end it, the target as a calendar duration),
 * add and remove stages, save the profile as a JSON file and load it again, and recalculate
 * the statistics on the journeys already read (the files are not read again).
 *
 * Every check of an edited profile is the core's own (`Profile::from_json`, through the
 * worker), so the page shows the same message the command line prints for the same file. A
 * profile holds names and durations only, never data; it is kept in this tab's memory and
 * saved only when the user downloads it.
 */

import { debounce, download, element, setStatus, showError } from './ui.js';
import { heading, safeName } from './figure.js';
import { vocabulary } from './driftline.js';

/** The core's words (units, built-in profiles), fetched when the view first opens. */
let timescaleWords = null;

export async function renderTimescales(container, ctx) {
  timescaleWords ??= await vocabulary();
  const s = (ctx.state.timescales ??= { draft: null, base: null, milestones: null, message: '' });
  const applied = await ctx.session.profile();
  const appliedText = JSON.stringify(applied);
  if (s.draft === null || s.base !== appliedText) {
    s.draft = toDraft(applied);
    s.base = appliedText;
    s.message = '';
  }
  s.milestones ??= await ctx.session.milestones();
  const view = { ctx, s, container };
  build(view);
}

/** The profile as the form edits it: `to` always a list, targets split into count and unit. */
function toDraft(profile) {
  const draft = structuredClone(profile);
  draft.stages = draft.stages.map((stage) => ({
    ...stage,
    to: Array.isArray(stage.to) ? stage.to : [stage.to],
  }));
  return draft;
}

/** Splits "6 weeks" into `{ count: "6", unit: "weeks" }`. */
function splitTarget(target) {
  const match = /^\s*(\S+)\s*([a-z]+)\s*$/i.exec(target ?? '');
  if (match === null) {
    return { count: '', unit: 'weeks' };
  }
  const word = match[2].toLowerCase();
  const unit = timescaleWords.units.find(([u]) => word.startsWith(u.slice(0, 1)))?.[0] ?? 'weeks';
  return { count: match[1], unit };
}

function build(view) {
  const { ctx, s, container } = view;
  const draft = s.draft;
  const intro = element(
    'p',
    'The stages every journey is measured in, and their targets. Start from Scotland’s or ' +
      'England’s, change what your authority uses, then press Apply to recalculate every ' +
      'figure on the data already read. A profile holds names and durations only, never data: ' +
      'save it as a file to use it again, here or with the command line (--profile FILE).',
  );

  const start = element('fieldset', undefined, 'built-in');
  start.append(element('legend', 'Start from'));
  for (const [id, label] of timescaleWords.profiles) {
    const radio = element('input');
    radio.type = 'radio';
    radio.name = 'built-in-profile';
    radio.value = id;
    radio.id = `profile-${id}`;
    radio.checked = draft.id === id;
    radio.addEventListener('change', async () => {
      if (!radio.checked) {
        return;
      }
      try {
        const profile = await ctx.session.builtInProfile(id);
        await apply(view, profile);
      } catch (error) {
        showError(error);
      }
    });
    const text = element('label', ` ${label}`);
    text.prepend(radio);
    start.append(text);
  }

  const name = element('input');
  name.type = 'text';
  name.id = 'profile-label';
  name.value = draft.label;
  name.maxLength = 120;
  name.addEventListener('input', () => {
    draft.label = name.value;
    changed(view);
  });
  const nameLabel = element('label', 'Name of these timescales ');
  nameLabel.append(name);
  const nameRow = element('p', undefined, 'profile-name');
  nameRow.append(nameLabel);

  const stagesHeading = element('h3', 'Stages');
  stagesHeading.id = 'profile-stages-heading';
  const table = stageEditor(view);
  const add = element('button', 'Add a stage', 'secondary');
  add.type = 'button';
  add.id = 'profile-add-stage';
  add.addEventListener('click', () => {
    draft.stages.push({
      id: freshId(draft),
      label: `Stage ${draft.stages.length + 1}`,
      from: 'became_looked_after',
      to: ['lac_review'],
      target: null,
    });
    rebuild(view, `[data-index="${draft.stages.length - 1}"] [data-field="label"]`);
  });

  const summary = ctx.current().summary;
  const inUse = element(
    'p',
    `In use: ${summary.profile.label}, ` +
      (summary.profile_basis === 'given' ? 'as chosen.' : `because ${summary.profile_words}. Choose another below to change it.`),
    'profile-in-use',
  );
  inUse.id = 'profile-in-use';
  const parts = [heading('Timescales', 'timescales-heading'), intro, inUse, start, nameRow, stagesHeading, table, add];
  if ((draft.checks ?? []).length > 0) {
    const checksHeading = element('h3', 'Checks on every child now');
    const list = element('ul');
    for (const check of draft.checks) {
      list.append(element('li', `${check.label}: flagged after ${check.longer_than}.`));
    }
    parts.push(checksHeading, list);
  }

  const message = element('p', s.message, 'profile-message');
  message.id = 'profile-message';
  message.setAttribute('role', 'alert');
  message.hidden = s.message === '';

  const applyButton = element('button', 'Apply and recalculate');
  applyButton.type = 'button';
  applyButton.id = 'profile-apply';
  applyButton.addEventListener('click', async () => {
    const checked = await ctx.session.checkProfile(fromDraft(draft));
    if (!checked.ok) {
      showMessage(view, checked.message);
      return;
    }
    await apply(view, checked.profile);
  });
  const save = element('button', 'Save these timescales…', 'secondary');
  save.type = 'button';
  save.id = 'profile-save';
  save.addEventListener('click', async () => {
    const checked = await ctx.session.checkProfile(fromDraft(draft));
    if (!checked.ok) {
      showMessage(view, checked.message);
      return;
    }
    download(
      `${JSON.stringify(checked.profile, null, 2)}\n`,
      `driftline-timescales-${safeName(checked.profile.id)}.json`,
      'application/json',
    );
  });
  const file = element('input');
  file.type = 'file';
  file.accept = '.json,application/json';
  file.hidden = true;
  file.id = 'profile-file';
  file.setAttribute('aria-label', 'Saved timescales file');
  const load = element('button', 'Load saved timescales…', 'secondary');
  load.type = 'button';
  load.id = 'profile-load';
  load.addEventListener('click', () => file.click());
  file.addEventListener('change', async () => {
    const chosen = file.files[0];
    file.value = '';
    if (chosen === undefined) {
      return;
    }
    const checked = await ctx.session.checkProfile(await chosen.text());
    if (!checked.ok) {
      showMessage(view, `${chosen.name}: ${checked.message}`);
      return;
    }
    await apply(view, checked.profile);
  });
  const undo = element('button', 'Undo changes', 'link');
  undo.type = 'button';
  undo.id = 'profile-undo';
  undo.addEventListener('click', () => {
    s.draft = toDraft(JSON.parse(s.base));
    s.message = '';
    rebuild(view);
  });
  const actions = element('p', undefined, 'actions');
  actions.append(applyButton, save, load, file, undo);

  container.replaceChildren(...parts, message, actions);
}

/** The table of stages, one row of controls per stage. */
function stageEditor(view) {
  const { s } = view;
  const draft = s.draft;
  const table = element('table', undefined, 'profile-editor');
  table.id = 'profile-stages';
  const head = element('tr');
  for (const title of ['Stage', 'Starts at', 'Ends at the first of', 'Target', 'Change']) {
    const th = element('th', title);
    th.scope = 'col';
    head.append(th);
  }
  table.append(element('thead'), element('tbody'));
  table.tHead.append(head);
  draft.stages.forEach((stage, i) => {
    const n = i + 1;
    const row = element('tr');
    row.dataset.index = String(i);
    row.dataset.stage = stage.id;

    // A text area, so that a long stage name wraps onto a second line rather than being cut.
    const label = element('textarea');
    label.rows = 1;
    label.value = stage.label;
    label.maxLength = 160;
    label.dataset.field = 'label';
    label.setAttribute('aria-label', `Stage ${n}: name`);
    label.addEventListener('input', () => {
      stage.label = label.value;
      changed(view);
    });
    const labelCell = element('td');
    labelCell.append(label);

    const from = milestoneSelect(s.milestones, stage.from, `Stage ${n}: starts at`);
    from.dataset.field = 'from';
    from.addEventListener('change', () => {
      stage.from = from.value;
      changed(view);
    });
    const fromCell = element('td');
    fromCell.append(from);

    const toCell = element('td', undefined, 'to-list');
    stage.to.forEach((milestone, k) => {
      const to = milestoneSelect(s.milestones, milestone, `Stage ${n}: ends at${k > 0 ? ` (or ${k + 1})` : ''}`);
      to.dataset.field = 'to';
      to.addEventListener('change', () => {
        stage.to[k] = to.value;
        changed(view);
      });
      const item = element('span', undefined, 'to-item');
      item.append(to);
      if (stage.to.length > 1) {
        const remove = element('button', 'Remove', 'link');
        remove.type = 'button';
        remove.setAttribute('aria-label', `Stage ${n}: remove ending ${k + 1}`);
        remove.addEventListener('click', () => {
          stage.to.splice(k, 1);
          rebuild(view);
        });
        item.append(remove);
      }
      toCell.append(item);
    });
    // The visible words start the accessible name (WCAG 2.5.3, label in name).
    const or = element('button', 'Add another ending', 'link');
    or.type = 'button';
    or.setAttribute('aria-label', `Add another ending to stage ${n}`);
    or.addEventListener('click', () => {
      stage.to.push('order_granted');
      rebuild(view);
    });
    toCell.append(or);

    const { count, unit } = splitTarget(stage.target);
    const amount = element('input');
    amount.type = 'number';
    amount.min = '0';
    amount.step = '1';
    amount.value = count;
    amount.placeholder = 'none';
    amount.dataset.field = 'target-count';
    amount.setAttribute('aria-label', `Stage ${n}: target (leave empty for none)`);
    const units = element('select');
    units.dataset.field = 'target-unit';
    units.setAttribute('aria-label', `Stage ${n}: target unit`);
    for (const [value, text] of timescaleWords.units) {
      const option = element('option', text);
      option.value = value;
      units.append(option);
    }
    units.value = unit;
    const setTarget = () => {
      stage.target = amount.value.trim() === '' ? null : `${amount.value.trim()} ${units.value}`;
      changed(view);
    };
    amount.addEventListener('input', setTarget);
    units.addEventListener('change', setTarget);
    const targetCell = element('td', undefined, 'target');
    targetCell.append(amount, units);

    const actions = element('td', undefined, 'row-actions');
    if (i > 0) {
      const up = element('button', 'Move up', 'link');
      up.type = 'button';
      up.setAttribute('aria-label', `Stage ${n}: move up`);
      up.addEventListener('click', () => {
        [draft.stages[i - 1], draft.stages[i]] = [draft.stages[i], draft.stages[i - 1]];
        rebuild(view);
      });
      actions.append(up);
    }
    const remove = element('button', 'Remove', 'link');
    remove.type = 'button';
    remove.dataset.action = 'remove-stage';
    remove.setAttribute('aria-label', `Stage ${n}: remove`);
    remove.addEventListener('click', () => {
      draft.stages.splice(i, 1);
      rebuild(view);
    });
    actions.append(remove);

    row.append(labelCell, fromCell, toCell, targetCell, actions);
    table.tBodies[0].append(row);
  });
  const scroll = element('div', undefined, 'table-scroll editor-scroll');
  scroll.append(table);
  return scroll;
}

function milestoneSelect(milestones, value, label) {
  const select = element('select');
  for (const [id, text] of milestones) {
    const option = element('option', text);
    option.value = id;
    select.append(option);
  }
  if (!milestones.some(([id]) => id === value)) {
    // Keep a milestone the list does not offer, so that the core can say what is wrong.
    const option = element('option', value);
    option.value = value;
    select.append(option);
  }
  select.value = value;
  select.setAttribute('aria-label', label);
  return select;
}

/** The draft as a profile object (targets and ends as the JSON shape has them). */
function fromDraft(draft) {
  return {
    ...draft,
    stages: draft.stages.map((stage) => {
      const out = { ...stage };
      if (out.target === null || out.target === undefined || out.target === '') {
        delete out.target;
      }
      return out;
    }),
  };
}

function freshId(draft) {
  let n = draft.stages.length + 1;
  while (draft.stages.some((stage) => stage.id === `stage_${n}`)) {
    n += 1;
  }
  return `stage_${n}`;
}

/** After an edit: check the draft in the worker and show what is wrong, if anything. */
function changed(view) {
  view.check ??= debounce(async () => {
    const checked = await view.ctx.current().session.checkProfile(fromDraft(view.s.draft));
    showMessage(view, checked.ok ? '' : checked.message);
  }, 250);
  view.check();
}

function showMessage(view, text) {
  view.s.message = text;
  const message = view.container.querySelector('#profile-message');
  if (message !== null) {
    message.textContent = text;
    message.hidden = text === '';
  }
}

/** Rebuilds the form (after adding, removing or reordering), keeping focus near the change. */
function rebuild(view, focus = null) {
  build(view);
  changed(view);
  if (focus !== null) {
    view.container.querySelector(focus)?.focus();
  }
}

async function apply(view, profile) {
  const { ctx, s } = view;
  try {
    await ctx.setProfile(profile);
    s.message = '';
    setStatus(`Recalculated every figure with the timescales "${profile.label}".`, 'is-done');
  } catch (error) {
    showMessage(view, error?.message ?? String(error));
  }
}
