// Small progressive enhancements; the pages work without JavaScript.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});

// The navigation collapses behind a "menu" button on narrow screens.
(function () {
  var toggle = document.querySelector(".menu-toggle");
  if (!toggle) return;
  var header = toggle.closest(".topbar");
  header.classList.add("collapsible");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = header.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && header.classList.contains("open")) {
      header.classList.remove("open");
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });
})();

// Task list: long texts are clamped to one line; a button expands the row.
(function () {
  var table = document.querySelector("table.tasks");
  if (!table) return;
  var more = document.documentElement.lang === "en" ? "More" : "Xem thêm";
  var less = document.documentElement.lang === "en" ? "Less" : "Thu gọn";
  table.querySelectorAll("td.text .clamp").forEach(function (clamp) {
    if (clamp.scrollWidth <= clamp.clientWidth + 1 && clamp.scrollHeight <= clamp.clientHeight + 1) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "expand";
    button.textContent = "…";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-label", more);
    button.addEventListener("click", function () {
      var row = button.closest("tr");
      var open = row.classList.toggle("expanded");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.setAttribute("aria-label", open ? less : more);
    });
    clamp.parentNode.appendChild(button);
  });
  // Bulk update: "select all" and the count of selected tasks.
  var all = document.getElementById("pick-all");
  var boxes = table.querySelectorAll("input[name=tasks]");
  var count = document.getElementById("bulk-count");
  function update() {
    var n = 0;
    boxes.forEach(function (b) { if (b.checked) n += 1; });
    if (count) count.textContent = n ? (document.documentElement.lang === "en" ? n + " selected" : "Đã chọn " + n) : "";
    if (all) all.checked = n > 0 && n === boxes.length;
  }
  if (all) all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
    update();
  });
  boxes.forEach(function (b) { b.addEventListener("change", update); });
})();
