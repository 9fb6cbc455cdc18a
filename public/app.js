// Liaison: the few things pages do in the browser. No inline scripts (the CSP forbids them).
(function () {
  // htmx sends the CSRF token with every request it makes.
  document.addEventListener('htmx:configRequest', function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) event.detail.headers['X-CSRF-Token'] = meta.getAttribute('content');
  });
  // "n" opens "Log a contact" from any page, unless the user is typing.
  document.addEventListener('keydown', function (event) {
    var target = event.target;
    var typing =
      target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (event.key === 'n' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      var link = document.getElementById('log-contact');
      if (link) {
        event.preventDefault();
        window.location.href = link.getAttribute('href');
      }
    }
  });
  // Picking a contact suggestion adds it to the selected list (a checkbox the form submits).
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-pick-contact]');
    if (!button) return;
    event.preventDefault();
    var list = document.getElementById('picked-contacts');
    var id = button.getAttribute('data-pick-contact');
    if (!list || list.querySelector('input[value="' + id + '"]')) return;
    var li = document.createElement('li');
    var label = document.createElement('label');
    var box = document.createElement('input');
    box.type = 'checkbox';
    box.name = 'contactIds';
    box.value = id;
    box.checked = true;
    label.appendChild(box);
    label.appendChild(document.createTextNode(' ' + button.getAttribute('data-label')));
    li.appendChild(label);
    list.appendChild(li);
    box.focus();
  });
  // "/" jumps to the search box in the header.
  document.addEventListener('keydown', function (event) {
    var target = event.target;
    var typing =
      target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      var box = document.getElementById('global-search');
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
    }
    if (event.key === 'Escape') {
      var results = document.getElementById('global-results');
      if (results && results.contains(document.activeElement || null)) {
        document.getElementById('global-search').focus();
      }
      if (results) results.innerHTML = '';
    }
  });
  // Arrow keys move from the search box into its results and between them; Escape (above)
  // goes back. A click elsewhere closes the results.
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    var box = document.getElementById('global-search');
    var results = document.getElementById('global-results');
    if (!box || !results) return;
    var links = Array.prototype.slice.call(results.querySelectorAll('a'));
    if (!links.length) return;
    var at = links.indexOf(document.activeElement);
    if (document.activeElement === box && event.key === 'ArrowDown') {
      event.preventDefault();
      links[0].focus();
    } else if (at >= 0) {
      event.preventDefault();
      var next = event.key === 'ArrowDown' ? at + 1 : at - 1;
      if (next < 0) box.focus();
      else links[Math.min(next, links.length - 1)].focus();
    }
  });
  document.addEventListener('click', function (event) {
    var results = document.getElementById('global-results');
    if (!results || !results.innerHTML) return;
    if (event.target.closest && event.target.closest('.global-search')) return;
    results.innerHTML = '';
  });
  // The menu folds away on a phone.
  document.addEventListener('click', function (event) {
    var toggle = event.target.closest && event.target.closest('#menu-toggle');
    if (!toggle) return;
    var nav = document.getElementById('main-nav');
    var open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (nav) nav.classList.toggle('open', open);
  });
  // Forms that cannot be undone ask first.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
