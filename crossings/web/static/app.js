/* crossings pages: draws each chart from its spec block, and submits the filter form on
 * change so the address (the permalink) always holds the filters shown.
 * No inline script, no eval: Vega runs with its expression interpreter (CSP). */
(function () {
  "use strict";

  var EMBED_OPTIONS = {
    actions: false,
    renderer: "svg",
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true }
  };

  /* Below this width (CSS pixels) a legend beside the chart would squeeze it: put it under. */
  var NARROW = 560;

  function legendBelow(spec) {
    spec.config = spec.config || {};
    spec.config.legend = Object.assign({}, spec.config.legend, {
      orient: "bottom", direction: "vertical", labelLimit: 200
    });
  }

  function readSpec(id) {
    var holder = document.getElementById(id);
    return holder ? JSON.parse(holder.textContent) : null;
  }

  function drawCharts() {
    var charts = document.querySelectorAll("[data-spec]");
    if (!charts.length) { return; }
    if (typeof window.vegaEmbed !== "function" || !window.vega) {
      charts.forEach(function (element) {
        element.classList.add("not-drawn");
        element.textContent = "The chart needs the Vega scripts, which did not load; " +
          "the table below has its numbers.";
      });
      return;
    }
    var options = Object.assign({}, EMBED_OPTIONS, {
      ast: true,
      expr: window.vega.expressionInterpreter
    });
    charts.forEach(function (element) {
      var spec = readSpec(element.getAttribute("data-spec"));
      if (!spec) { return; }
      if (element.clientWidth < NARROW) { legendBelow(spec); }
      window.vegaEmbed(element, spec, options).then(function () {
        element.classList.add("drawn");
      }).catch(function (error) {
        element.classList.add("not-drawn");
        element.textContent = "The chart could not be drawn (" + error.message +
          "); the table below has its numbers.";
      });
    });
  }

  /* Empty fields are left out of the address, so a permalink names only what was chosen. */
  function dropEmptyFields(form) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value === "" && !field.disabled) { field.disabled = true; }
    });
  }

  function autoSubmit() {
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("submit", function () { dropEmptyFields(form); });
      form.addEventListener("change", function (event) {
        if (event.target && event.target.type === "number") { return; }
        if (typeof form.requestSubmit === "function") { form.requestSubmit(); }
        else { dropEmptyFields(form); form.submit(); }
      });
    });
  }

  /* Back from the next page, the form is shown as it was left: fields enabled again. */
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-autosubmit] [disabled]").forEach(function (field) {
      field.disabled = false;
    });
  });

  /* A table's scrolling box takes keyboard focus (to scroll it with the arrow keys) only
   * while its <details> is open: inside a closed one it is not shown, so not a Tab stop. */
  function focusableTables() {
    document.querySelectorAll("details.data-table").forEach(function (details) {
      var box = details.querySelector(".table-scroll");
      if (!box) { return; }
      function sync() {
        if (details.open) { box.setAttribute("tabindex", "0"); }
        else { box.removeAttribute("tabindex"); }
      }
      details.addEventListener("toggle", sync);
      sync();
    });
  }

  function start() {
    focusableTables();
    autoSubmit();
    drawCharts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
