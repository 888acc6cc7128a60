/* global window, document */
// Complain online: progressive enhancement only. Every page works without this script.
import { initAll } from '/govuk/govuk-frontend.min.js';

initAll();

// "Who is your complaint about?": the select of every council and care provider becomes an
// accessible autocomplete (loaded by that page from /vendor/accessible-autocomplete/).
const select = document.querySelector('select[data-autocomplete="bodies"]');
const accessibleAutocomplete = window.accessibleAutocomplete;
if (select && accessibleAutocomplete) {
  const inputId = select.id;
  const options = Array.from(select.options).filter((option) => option.value !== '');
  const optionFor = (text) => options.find((option) => option.text === text);

  accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: '',
    minLength: 2,
    showAllValues: false,
    confirmOnBlur: true,
    tNoResults: () => 'No council or care provider found. If it is a care provider, tick "It is a care provider that is not listed" below.',
    // The library only ever selects a match; clearing or retyping the text must clear the choice too,
    // or the form would send a body the person no longer sees.
    onConfirm: (chosen) => {
      const input = document.getElementById(inputId);
      const text = chosen ?? (input ? input.value : '');
      const option = optionFor(text);
      select.value = option ? option.value : '';
    },
  });
}
