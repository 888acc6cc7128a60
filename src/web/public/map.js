/* global document, window */
// The map of councils: progressive enhancement only. Without this script the form has a button,
// each council is a link named by its <title>, and the table gives every value.

// Choosing a measure, councils or year shows the new map at once (the hint says so).
const form = document.querySelector('[data-module="app-map-form"]');
if (form) {
  form.classList.add('app-map__form--auto');
  const hint = form.querySelector('.app-map__auto-hint');
  if (hint) hint.hidden = false;
  form.addEventListener('change', (event) => {
    if (event.target instanceof window.HTMLSelectElement) form.submit();
  });
}

// Hovering over or focusing a council outlines it and shows its name and value beside it.
const figure = document.querySelector('.app-map');
const svg = figure ? figure.querySelector('svg') : null;
if (figure && svg) {
  const NS = 'http://www.w3.org/2000/svg';
  const links = Array.from(svg.querySelectorAll('a'));
  const names = new Map();
  for (const link of links) {
    const title = link.querySelector('title');
    if (!title) continue;
    // The name moves to aria-label, so it stays the link's name but the browser's own slow
    // tooltip no longer covers this one.
    names.set(link.getAttribute('href'), title.textContent);
    link.setAttribute('aria-label', title.textContent);
    title.remove();
  }

  const highlight = document.createElementNS(NS, 'g');
  highlight.setAttribute('class', 'app-map__highlight');
  highlight.setAttribute('aria-hidden', 'true');
  svg.appendChild(highlight);

  const tooltip = document.createElement('div');
  tooltip.className = 'app-map__tooltip';
  tooltip.setAttribute('aria-hidden', 'true');
  tooltip.hidden = true;
  figure.appendChild(tooltip);

  let current = null;
  const place = (x, y) => {
    const box = figure.getBoundingClientRect();
    const left = Math.min(Math.max(x - box.left + 12, 0), Math.max(box.width - tooltip.offsetWidth, 0));
    const top = Math.max(y - box.top - tooltip.offsetHeight - 12, 0);
    tooltip.style.left = `${left}px`;
    tooltip.style.top = `${top}px`;
  };
  const show = (link, point) => {
    if (link !== current) {
      current = link;
      highlight.replaceChildren();
      if (!link) {
        tooltip.hidden = true;
        return;
      }
      const edge = link.querySelector('.app-map__edge');
      if (edge) {
        // GOV.UK's focus colours: yellow with black inside.
        for (const [stroke, width] of [['#ffdd00', '5'], ['#0b0c0c', '2']]) {
          const copy = edge.cloneNode(false);
          copy.removeAttribute('class');
          copy.setAttribute('fill', 'none');
          copy.setAttribute('stroke', stroke);
          copy.setAttribute('stroke-width', width);
          highlight.appendChild(copy);
        }
      }
      tooltip.textContent = names.get(link.getAttribute('href')) || '';
      tooltip.hidden = tooltip.textContent === '';
    }
    if (!tooltip.hidden) place(point.x, point.y);
  };

  svg.addEventListener('pointermove', (event) => {
    const link = event.target instanceof window.Element ? event.target.closest('a') : null;
    show(link, { x: event.clientX, y: event.clientY });
  });
  svg.addEventListener('pointerleave', () => show(null));
  svg.addEventListener('focusin', (event) => {
    const link = event.target instanceof window.Element ? event.target.closest('a') : null;
    if (!link) return;
    const box = link.getBoundingClientRect();
    show(link, { x: box.left + box.width / 2, y: box.top });
  });
  svg.addEventListener('focusout', () => show(null));
}
