/* The lost-property form on the tablet: a tap on a common item or place fills its field,
 * and choosing a window shows only the staff who sit there (without JavaScript every staff
 * member is listed and the server checks the pair). */
(function () {
  "use strict";
  var form = document.getElementById("lost-form");
  if (!form) return;
  form.addEventListener("click", function (event) {
    var btn = event.target.closest("[data-fill]");
    if (!btn) return;
    var input = form.querySelector("[name='" + btn.dataset.fill + "']");
    if (input) { input.value = btn.dataset.value; input.focus(); }
  });
  function showStaff() {
    var chosen = form.querySelector("input[name=window]:checked");
    var id = chosen ? chosen.value : null;
    form.querySelectorAll(".staff-pick[data-window]").forEach(function (pick) {
      var here = id !== null && pick.dataset.window === id;
      pick.hidden = !here;
      if (!here) { var r = pick.querySelector("input"); if (r.checked) { r.checked = false; form.querySelector("#ls-none").checked = true; } }
    });
    document.getElementById("lost-staff").hidden = id === null;
  }
  form.addEventListener("change", function (event) { if (event.target.name === "window") showStaff(); });
  form.addEventListener("reset", function () { setTimeout(showStaff, 0); });
  showStaff();
})();
