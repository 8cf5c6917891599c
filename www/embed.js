// The example intranet page's own script: it imports Driftline (which registers
// <driftline-view>), passes the chosen files to the element and listens to its events.

import './driftline.js';

const view = document.getElementById('driftline');
const input = document.getElementById('embed-files');
const selected = document.getElementById('selected');

input.addEventListener('change', () => {
  const files = [...input.files];
  if (files.length > 0) {
    view.load(files).catch(() => {});
  }
});

document.getElementById('embed-pseudonymise').addEventListener('change', (event) => {
  view.toggleAttribute('pseudonymise', event.target.checked);
  // The child chosen before was named as the list named it then: choose again, so that a
  // pseudonymised page never keeps a real ID here.
  selected.textContent = 'Choose a child in the list above.';
});

view.addEventListener('driftline-load', (event) => {
  document.body.dataset.loaded = String(event.detail.report.children);
});

view.addEventListener('driftline-error', (event) => {
  selected.textContent = `Driftline could not read the files: ${event.detail.error.message}`;
});

view.addEventListener('driftline-select', (event) => {
  const { child } = event.detail;
  const events = child.chronology.length;
  selected.textContent = `${child.row.child}: ${events} entries in the chronology, ${child.row.moves} moves.`;
});
