// How a form that posts to the API shows what went wrong, in words a person reads, drawn as
// GOV.UK's error summary and error messages (the markup of templates/components/).
//
// A 400 answers errors per field (the API's contract). Each message goes into its field's
// GOV.UK form group, as an error message above the control: in the element marked
// data-error-for (which may name several fields, e.g. "latitude longitude") if the page wrote
// one, or in one made for the field's control (id "id_<field>", or "id_<field>_0" for radios).
// The summary above the form names each field by its label (or its group's legend), in the
// page's language, and links to it. An element may carry data-message: the form's own wording
// for any error of its fields (a map pin stands for latitude and longitude). Errors of no field
// on the form, and refusals that are not about the fields at all (too many reports, no
// connection), are shown alone, as what they are.
//
// The form says in data-msg-error the words before each message for screen readers ("Error:").
(function () {
  "use strict";

  var CONTROL_CLASSES = ["govuk-input", "govuk-select", "govuk-textarea", "govuk-file-upload"];

  function words(element) {
    var copy = element.cloneNode(true);
    copy.querySelectorAll("[aria-hidden=true], .govuk-error-message").forEach(function (node) {
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

  // The field's own control, if the page draws one.
  FormErrors.prototype.inputOf = function (field) {
    return document.getElementById("id_" + field) || document.getElementById("id_" + field + "_0");
  };

  // Where the field's messages go: the page's element, or a GOV.UK error message made for it
  // in the control's form group; null for a field the form does not show.
  FormErrors.prototype.listFor = function (field) {
    var lists = this.form.querySelectorAll("[data-error-for]");
    for (var i = 0; i < lists.length; i++) {
      if (lists[i].dataset.errorFor.split(/\s+/).indexOf(field) !== -1) { return lists[i]; }
    }
    var input = this.inputOf(field);
    var group = input && input.type !== "hidden" && input.closest(".govuk-form-group");
    if (!group || !this.form.contains(group)) { return null; }
    var message = document.createElement("p");
    message.className = "govuk-error-message";
    message.id = field + "-error";
    var prefix = document.createElement("span");
    prefix.className = "govuk-visually-hidden";
    prefix.textContent = this.form.dataset.msgError || "Error:";
    var list = document.createElement("span");
    list.dataset.errorFor = field;
    message.appendChild(prefix);
    message.appendChild(document.createTextNode(" "));
    message.appendChild(list);
    // Above the control (for radios: above the group of boxes), below the label and hint.
    var before = group.querySelector(".govuk-radios, .govuk-checkboxes") || input;
    before.parentNode.insertBefore(message, before);
    return list;
  };

  // The control a person fixes: the field's own input, or the group around a hidden one.
  FormErrors.prototype.controlFor = function (field, list) {
    var input = this.inputOf(field);
    if (input && input.type !== "hidden" && !input.closest("[hidden]")) { return input; }
    var group = list.closest("fieldset, .govuk-form-group") || list;
    if (!group.id) { group.id = "field-" + field; }
    return group;
  };

  FormErrors.prototype.labelFor = function (control, list) {
    var choice = control.type === "radio" || control.type === "checkbox";
    var label = !choice && control.id && this.form.querySelector('label[for="' + control.id + '"]');
    if (label) { return words(label); }
    var fieldset = (choice ? control : list).closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    return legend ? words(legend) : "";
  };

  FormErrors.prototype.clear = function () {
    this.form.querySelectorAll("[data-error-for]").forEach(function (list) {
      list.textContent = "";
      var message = list.closest(".govuk-error-message");
      if (message) { message.hidden = true; }
    });
    this.form.querySelectorAll(".govuk-form-group--error").forEach(function (group) {
      group.classList.remove("govuk-form-group--error");
    });
    this.form.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
      CONTROL_CLASSES.forEach(function (name) { input.classList.remove(name + "--error"); });
    });
    this.box.hidden = true;
    this.box.textContent = "";
  };

  FormErrors.prototype.summaryTitle = function (text, tag) {
    var title = document.createElement(tag);
    title.className = "govuk-error-summary__title";
    title.textContent = text;
    return title;
  };

  // A message on its own: a refusal that is not about the fields.
  FormErrors.prototype.showMessage = function (text) {
    this.clear();
    var alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    alert.appendChild(this.summaryTitle(text, "p"));
    this.box.appendChild(alert);
    this.reveal();
  };

  FormErrors.prototype.mark = function (control, list) {
    var message = list.closest(".govuk-error-message");
    if (message) { message.hidden = false; }
    var group = list.closest(".govuk-form-group");
    if (group) { group.classList.add("govuk-form-group--error"); }
    if (!control.matches("input, select, textarea")) { return; }
    control.setAttribute("aria-invalid", "true");
    CONTROL_CLASSES.forEach(function (name) {
      if (control.classList.contains(name)) { control.classList.add(name + "--error"); }
    });
    if (message && message.id) {
      var described = (control.getAttribute("aria-describedby") || "").split(/\s+/);
      if (described.indexOf(message.id) === -1) {
        control.setAttribute("aria-describedby", described.concat(message.id).join(" ").trim());
      }
    }
  };

  // The errors of a 400: in their fields, and named in the summary; others alone.
  FormErrors.prototype.showFields = function (errors, introduction) {
    var self = this;
    self.clear();
    var summary = document.createElement("ul");
    summary.className = "govuk-list govuk-error-summary__list";
    var general = [];
    Object.keys(errors).forEach(function (field) {
      var messages = messagesOf(errors[field]);
      var list = self.listFor(field);
      if (!list) { general = general.concat(messages); return; }
      if (list.dataset.message) { messages = [list.dataset.message]; }
      var control = self.controlFor(field, list);
      self.mark(control, list);
      var label = self.labelFor(control, list);
      messages.forEach(function (message) {
        var shown = [].some.call(list.children, function (line) { return line.textContent === message; });
        if (shown) { return; }  // one element for several fields: each message once
        var line = document.createElement("span");
        line.className = "curim-error-line";
        line.textContent = message;
        list.appendChild(line);
        var entry = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + control.id;
        link.textContent = label ? label + " — " + message : message;
        entry.appendChild(link);
        summary.appendChild(entry);
      });
    });
    var alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    var body = document.createElement("div");
    body.className = "govuk-error-summary__body";
    if (summary.children.length) {
      alert.appendChild(self.summaryTitle(introduction, "h2"));
      body.appendChild(summary);
    }
    general.forEach(function (message, index) {
      if (!summary.children.length && index === 0) {
        alert.appendChild(self.summaryTitle(message, "p"));
        return;
      }
      var paragraph = document.createElement("p");
      paragraph.className = "govuk-body";
      paragraph.textContent = message;
      body.appendChild(paragraph);
    });
    alert.appendChild(body);
    self.box.appendChild(alert);
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
