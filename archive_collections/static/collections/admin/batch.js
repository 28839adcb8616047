// Batch edit: show only the value field the chosen action needs. Without this script every
// field shows and the batch still reads only the one its action names.
(function () {
  "use strict";
  var form = document.querySelector("form.batch-form");
  if (!form) {
    return;
  }
  var action = form.querySelector("select[name=action]");
  var fields = form.querySelectorAll("[data-batch-actions]");

  function show() {
    fields.forEach(function (field) {
      var actions = field.getAttribute("data-batch-actions").split(" ");
      field.hidden = actions.indexOf(action.value) === -1;
    });
  }

  action.addEventListener("change", show);
  show();
})();
