/* global window, document, fetch */
// The annual letters batch page: polls the batch's progress and moves the bar in place, instead of
// the whole-page refresh that people without JavaScript get. Announces progress politely at each
// quarter (not on every poll), and reloads once the batch has finished, to show its outcome.
const batch = document.querySelector('[data-letters-batch]');
if (batch && batch.getAttribute('data-finished') !== 'true') {
  const url = batch.getAttribute('data-progress-url');
  const bar = batch.querySelector('[data-progress-bar]');
  const text = batch.querySelector('[data-progress-text]');
  const announcer = batch.querySelector('[data-progress-announcer]');
  const refreshLink = batch.querySelector('[data-refresh-link]');
  if (refreshLink) refreshLink.parentElement.hidden = true;
  let announcedQuarter = -1;
  let failures = 0;

  const show = (progress) => {
    const handled = progress.done + progress.failed;
    bar.max = Math.max(progress.total, 1);
    bar.value = Math.min(handled, bar.max);
    bar.textContent = `${progress.percent}%`;
    const failed = progress.failed > 0 ? `, ${progress.failed.toLocaleString('en-GB')} could not be generated` : '';
    text.textContent = `${progress.done.toLocaleString('en-GB')} of ${progress.total.toLocaleString('en-GB')} letters done (${progress.percent}%)${failed}.`;
    const quarter = Math.floor(progress.percent / 25);
    if (quarter > announcedQuarter) {
      if (announcedQuarter >= 0) announcer.textContent = `${progress.percent}% of letters done`;
      announcedQuarter = quarter;
    }
  };

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const progress = await response.json();
      failures = 0;
      show(progress);
      if (progress.finished) {
        announcer.textContent = 'All letters have been dealt with. Loading the results.';
        window.setTimeout(() => window.location.reload(), 1000);
        return;
      }
    } catch {
      failures += 1;
      // Give the refresh link back if the progress cannot be read for a while.
      if (failures >= 3 && refreshLink) refreshLink.parentElement.hidden = false;
    }
    window.setTimeout(poll, failures > 0 ? 5000 : 2000);
  };
  window.setTimeout(poll, 1000);
}
