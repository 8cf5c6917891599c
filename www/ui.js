/**
 * Small helpers shared by the page and its views: making elements (text only, never HTML),
 * en-GB numbers and dates, downloads, sortable table headers and the status line.
 */

/**
 * A formatter made on first use: the first `Intl` formatter a page makes loads the locale's
 * data, which takes tens of milliseconds, and none is needed before a file is read.
 */
export function lazyFormat(make) {
  let formatter = null;
  return {
    format(value) {
      formatter ??= make();
      return formatter.format(value);
    },
  };
}

export const numberFormat = lazyFormat(() => new Intl.NumberFormat('en-GB'));
const oneDecimal = lazyFormat(() => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }));
const longDate = lazyFormat(
  () => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
);
const shortDate = lazyFormat(
  () => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }),
);

/** Sortable column headers: buttons with `data-sort`, `aria-sort` on their `th`. */
export function setUpSortHeaders(table, sortState, onChange) {
  for (const button of table.querySelectorAll('thead [data-sort]')) {
    button.addEventListener('click', () => {
      const key = button.dataset.sort;
      if (sortState.sort === key) {
        sortState.descending = !sortState.descending;
      } else {
        sortState.sort = key;
        sortState.descending = false;
      }
      for (const th of table.querySelectorAll('thead th')) {
        th.setAttribute('aria-sort', 'none');
      }
      button.closest('th').setAttribute('aria-sort', sortState.descending ? 'descending' : 'ascending');
      onChange();
    });
  }
}

/** The object URLs of downloads not yet revoked (see `revokeDownloads`). */
const downloadUrls = new Set();

export function download(content, name, type) {
  const blob = content instanceof Blob ? content : new Blob([content], { type });
  const url = URL.createObjectURL(blob);
  downloadUrls.add(url);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has the file once the download starts; the URL is kept a minute for slow
  // starts, unless Clear revokes it first.
  setTimeout(() => {
    URL.revokeObjectURL(url);
    downloadUrls.delete(url);
  }, 60_000);
}

/** Revokes every download's object URL at once, so none can fetch the data again (Clear). */
export function revokeDownloads() {
  for (const url of downloadUrls) {
    URL.revokeObjectURL(url);
  }
  downloadUrls.clear();
}

export function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) {
    node.textContent = text;
  }
  if (className !== undefined) {
    node.className = className;
  }
  return node;
}

export function select(options, value, role) {
  const node = element('select');
  for (const [v, label] of options) {
    const option = element('option', label);
    option.value = v;
    node.append(option);
  }
  node.value = value;
  node.dataset.role = role;
  return node;
}

export function labelled(text, control) {
  const label = element('label', `${text} `);
  label.append(control);
  return label;
}

export function plural(count, one, many = `${one}s`) {
  return `${numberFormat.format(count)} ${count === 1 ? one : many}`;
}

export function formatDate(iso, style = 'long') {
  if (iso === null || iso === undefined) {
    return '';
  }
  const [year, month, day] = iso.split('-').map(Number);
  const format = style === 'short' ? shortDate : longDate;
  return format.format(new Date(Date.UTC(year, month - 1, day)));
}

/** A figure the core withheld for sharing comes as text ("[c]") and is shown as it is. */
const withheld = (value) => typeof value === 'string';

export function formatNumber(value, decimals = false) {
  if (value === null || value === undefined) {
    return '–';
  }
  if (withheld(value)) {
    return value;
  }
  return decimals ? oneDecimal.format(value) : numberFormat.format(value);
}

/** Days with at most one decimal ("42", "42.5"), or a dash when there is no value. */
export function formatDays(value) {
  if (withheld(value)) {
    return value;
  }
  return value === null || value === undefined ? '–' : oneDecimal.format(value);
}

/** A percentage with at most one decimal ("51.1%"). */
export function formatPercent(value) {
  if (withheld(value)) {
    return value;
  }
  return value === null || value === undefined ? '–' : `${oneDecimal.format(value)}%`;
}

/** Days as people say them: "45 days", "about 7 months". */
export function daysWords(days) {
  if (days === null || days === undefined) {
    return '–';
  }
  return plural(days, 'day');
}

export function formatBytes(bytes) {
  if (bytes < 1024 * 1024) {
    return `${oneDecimal.format(bytes / 1024)} KB`;
  }
  return `${oneDecimal.format(bytes / (1024 * 1024))} MB`;
}

export function describeFormat(file) {
  const parts = [file.format.toUpperCase()];
  if (file.encoding) {
    parts.push(file.encoding);
  }
  if (file.delimiter) {
    parts.push(`separated by ${file.delimiter === '\t' ? 'tabs' : `"${file.delimiter}"`}`);
  }
  return parts.join(', ');
}

/** A sheet in words; `label(kind)` names a table kind ("Events", "SSDA903 Episodes"). */
export function describeSheet(sheet, tables, label = (kind) => kind) {
  const name = sheet.name === null ? '' : `Sheet "${sheet.name}"${sheet.hidden ? ' (hidden)' : ''}: `;
  const table = sheet.table === null ? undefined : tables[sheet.table];
  if (table === undefined) {
    return `${name}not recognised as a table.`;
  }
  const kind = `${label(table.kind)} table`;
  return (
    `${name}${kind}, ` +
    `header on row ${table.header_row}: ${plural(table.rows_read, 'row')} read, ` +
    `${numberFormat.format(table.rows_used)} used, ` +
    `${numberFormat.format(table.rows_rejected)} rejected.`
  );
}

export function showError(error) {
  setStatus(error?.message ?? String(error), 'is-error');
}

export function setStatus(text, kind = '') {
  const status = document.getElementById('status');
  status.textContent = text;
  status.className = `status ${kind}`.trim();
}

export function debounce(fn, ms = 200) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
