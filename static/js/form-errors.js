// How a form that posts to the API shows what went wrong, in words a person reads.
//
// A 400 answers errors per field (the API's contract). Each message goes under its field, in the
// list marked data-error-for (which may name several fields, e.g. "latitude longitude"); the
// summary above the form names each field by its label, in the page's language, and links to it.
// A list may carry data-message: the form's own wording for any error of its fields (a map pin
// stands for latitude and longitude). Errors of no field on the form, and refusals that are not
// about the fields at all (too many reports, no connection), are shown alone, as what they are.
(function () {
  "use strict";

  function words(element) {
    var copy = element.cloneNode(true);
    copy.querySelectorAll("[aria-hidden=true], .field-errors").forEach(function (node) {
      node.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function messagesOf(value) {
    // The API answers a list of strings per field; a nested field answers an object.
    if (typeof value === "string") { return [value]; }
    if (Array.isArray(value)) {
      return value.reduce(function (all, item) { return all.concat(messagesOf(item)); }, []);
    }
    if (value && typeof value === "object") {
      return Object.keys(value).reduce(function (all, key) {
        return all.concat(messagesOf(value[key]));
      }, []);
    }
    return [];
  }

  function FormErrors(form, box) {
    this.form = form;
    this.box = box;
  }

  FormErrors.prototype.listFor = function (field) {
    var lists = this.form.querySelectorAll("[data-error-for]");
    for (var i = 0; i < lists.length; i++) {
      if (lists[i].dataset.errorFor.split(/\s+/).indexOf(field) !== -1) { return lists[i]; }
    }
    return null;
  };

  // The control a person fixes: the field's own input, or the group around a hidden one.
  FormErrors.prototype.controlFor = function (field, list) {
    var input = document.getElementById("id_" + field);
    if (input && input.type !== "hidden" && !input.closest("[hidden]")) { return input; }
    var group = list.closest("fieldset, .field") || list;
    if (!group.id) { group.id = "field-" + field; }
    return group;
  };

  FormErrors.prototype.labelFor = function (control, list) {
    var label = control.id && this.form.querySelector('label[for="' + control.id + '"]');
    if (label) { return words(label); }
    var legend = list.closest("fieldset") && list.closest("fieldset").querySelector("legend");
    return legend ? words(legend) : "";
  };

  FormErrors.prototype.clear = function () {
    this.form.querySelectorAll("[data-error-for]").forEach(function (list) {
      list.textContent = "";
    });
    this.form.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
    });
    this.box.hidden = true;
    this.box.textContent = "";
  };

  // A message on its own: a refusal that is not about the fields.
  FormErrors.prototype.showMessage = function (text) {
    this.clear();
    var paragraph = document.createElement("p");
    paragraph.textContent = text;
    this.box.appendChild(paragraph);
    this.reveal();
  };

  // The errors of a 400: under their fields, and named in the summary; others alone.
  FormErrors.prototype.showFields = function (errors, introduction) {
    var self = this;
    self.clear();
    var summary = document.createElement("ul");
    var general = [];
    Object.keys(errors).forEach(function (field) {
      var messages = messagesOf(errors[field]);
      var list = self.listFor(field);
      if (!list) { general = general.concat(messages); return; }
      if (list.dataset.message) { messages = [list.dataset.message]; }
      var control = self.controlFor(field, list);
      if (control.matches("input, select, textarea")) { control.setAttribute("aria-invalid", "true"); }
      var label = self.labelFor(control, list);
      messages.forEach(function (message) {
        var shown = [].some.call(list.children, function (item) { return item.textContent === message; });
        if (shown) { return; }  // one list for several fields: each message once
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
        var entry = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + control.id;
        link.textContent = label ? label + " — " + message : message;
        entry.appendChild(link);
        summary.appendChild(entry);
      });
    });
    if (summary.children.length) {
      var heading = document.createElement("p");
      heading.textContent = introduction;
      self.box.appendChild(heading);
      self.box.appendChild(summary);
    }
    general.forEach(function (message) {
      var paragraph = document.createElement("p");
      paragraph.textContent = message;
      self.box.appendChild(paragraph);
    });
    self.reveal();
  };

  FormErrors.prototype.reveal = function () {
    this.box.hidden = false;
    this.box.setAttribute("tabindex", "-1");
    this.box.focus();
  };

  window.CURiM = window.CURiM || {};
  window.CURiM.FormErrors = FormErrors;
})();
