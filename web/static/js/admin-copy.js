// Copy a command line to the clipboard (the opening official's page, issue 15 item 2).
// It reads only the text of the element a button names and writes it to the
// clipboard: no key, no file, nothing sent anywhere. Data is set with textContent.
"use strict";

function selectText(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

async function copy(button) {
  const target = document.getElementById(button.dataset.copy);
  if (target === null) {
    return;
  }
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(target.textContent);
    button.textContent = button.dataset.done;
    button.dataset.copied = "true";
    window.setTimeout(() => { button.textContent = label; }, 2000);
  } catch (refused) {
    // No clipboard (an insecure context, a refused permission): select the text so
    // that the official copies it by hand.
    selectText(target);
  }
}

for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", () => { copy(button); });
}
