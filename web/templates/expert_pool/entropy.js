// etender: draw entropy generated on the contributor's own machine (DESIGN.md, trust
// model 4: the server never generates it). 32 bytes from the browser's CSPRNG, as
// lowercase hex, put in the form for the contributor to see before submitting.
"use strict";
(function () {
  function hex(bytes) {
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  function generate(input) {
    var bytes = new Uint8Array(32);
    window.crypto.getRandomValues(bytes);
    input.value = hex(bytes);
  }
  document.querySelectorAll("form[data-entropy]").forEach(function (form) {
    var input = form.querySelector("input[name=entropy]");
    var button = form.querySelector("button[data-generate]");
    button.addEventListener("click", function () { generate(input); });
    form.addEventListener("submit", function () { if (!input.value) { generate(input); } });
  });
})();
