/* global window, document */
// Shows the sign-out warning five minutes before a signed-in complainant's session times out.
const warning = document.querySelector('[data-module="app-timeout-warning"]');
if (warning) {
  const idleMinutes = Number(warning.getAttribute('data-idle-minutes')) || 30;
  window.setTimeout(() => {
    warning.hidden = false;
    warning.focus?.();
  }, Math.max(0, idleMinutes - 5) * 60_000);
}
