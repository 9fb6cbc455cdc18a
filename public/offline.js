// Liaison on the phone: the service worker (public/sw.js), the banner of a page read offline,
// the trip kept for offline, and the device queue — forms marked `data-queue` are kept in
// IndexedDB first and sent from there, each with its own Idempotency-Key (`_key`), so an entry
// is sent exactly once however often it is tried, and nothing is lost when the connection or the
// browser goes away. No inline scripts (the CSP forbids them).
(function () {
  'use strict';
  var idb = window.idbKeyval;
  var userMeta = document.querySelector('meta[name="liaison-user"]');
  var USER = userMeta ? userMeta.getAttribute('content') : '';
  var LOCK = 'liaison-queue';
  var MAX_WAIT = 5 * 60 * 1000;
  var store = idb ? idb.createStore('liaison-queue', 'entries') : null;

  // ------------------------------------------------------------------ the service worker
  var worker = function () {
    return 'serviceWorker' in navigator ? navigator.serviceWorker.ready : Promise.reject();
  };
  function tellWorker(message) {
    return worker().then(function (registration) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          resolve(event.data);
        };
        registration.active.postMessage(message, [channel.port2]);
      });
    });
  }
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () {
      // Without a worker the app works online as before.
    });
  }

  // A page from the worker's saved copy: say so and when it was saved; its forms get new keys
  // (the saved copy's key was the one of the page as it was saved, perhaps used since).
  var savedAt = document.body.getAttribute('data-saved-at');
  var banner = document.getElementById('offline-banner');
  if (savedAt && banner) {
    var when = new Date(savedAt);
    banner.textContent =
      banner.getAttribute('data-text') +
      ' ' +
      when.toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'de-DE', {
        dateStyle: 'short',
        timeStyle: 'short',
      });
    banner.hidden = false;
  }
  var newKey = function () {
    return crypto.randomUUID();
  };
  if (savedAt) {
    var keys = document.querySelectorAll('form[data-queue] input[name="_key"]');
    for (var k = 0; k < keys.length; k++) keys[k].value = newKey();
  }

  // The forms that work offline and the queue are kept once signed in (again after a while, so
  // they stay current); a trip's page keeps its delegates' companies, partners and contacts.
  // The worker empties saved pages on sign-out and when another user signs in: a new user on
  // this page (or none) keeps the forms again.
  var FORMS_KEPT = 'liaison-forms-kept';
  if (localStorage.getItem('liaison-user') !== USER) {
    localStorage.removeItem(FORMS_KEPT);
    localStorage.setItem('liaison-user', USER);
  }
  if (USER && !savedAt && navigator.onLine) {
    var last = Number(localStorage.getItem(FORMS_KEPT)) || 0;
    if (Date.now() - last > 10 * 60 * 1000) {
      // Recording forms only for those who may record (the header's "log a contact").
      var forms = document.querySelector('a[href="/log"]')
        ? ['/log', '/scan', '/queue']
        : ['/queue'];
      tellWorker({ type: 'keep', paths: forms }).then(
        function () {
          localStorage.setItem(FORMS_KEPT, String(Date.now()));
        },
        function () {},
      );
    }
  }
  var kept = document.getElementById('kept-offline');
  if (kept && !savedAt && navigator.onLine) {
    var paths = (kept.getAttribute('data-keep') || '').split(' ').filter(Boolean);
    tellWorker({ type: 'keep', paths: paths }).then(
      function (count) {
        kept.setAttribute('data-saved', String(count));
        kept.hidden = false;
      },
      function () {},
    );
  }

  if (!store) return;

  // ------------------------------------------------------------------ the device queue
  function entries() {
    return idb.values(store).then(function (all) {
      return all.sort(function (a, b) {
        return a.created < b.created ? -1 : 1;
      });
    });
  }
  /**
   * Reads and writes one entry in one IndexedDB transaction: `fn` gets the entry (or undefined)
   * and returns what to store, or undefined to leave it; the answer is the entry as it is after.
   */
  function change(key, fn) {
    var after;
    return store('readwrite', function (entries) {
      var read = entries.get(key);
      read.onsuccess = function () {
        var next = fn(read.result);
        after = next === undefined ? read.result : next;
        if (next !== undefined) entries.put(next, key);
      };
      return idb.promisifyRequest(entries.transaction);
    }).then(function () {
      return after;
    });
  }
  /** Changes an entry that exists; `mutate` returning false leaves it as it is. */
  function patch(key, mutate) {
    return change(key, function (entry) {
      if (!entry || mutate(entry) === false) return undefined;
      return entry;
    });
  }

  /** The form as the entry keeps it: each field (files as themselves), the key apart. */
  function entryOf(form, submitter) {
    var data = new FormData(form, submitter);
    var fields = [];
    var titleOf = (form.getAttribute('data-queue-title') || '').split(' ');
    var title = '';
    data.forEach(function (value, name) {
      if (name === '_csrf' || name === '_key') return;
      if (typeof value !== 'string' && !value.size) return;
      fields.push([name, value]);
      if (!title && titleOf.indexOf(name) >= 0 && typeof value === 'string') title = value.trim();
    });
    var keyInput = form.querySelector('input[name="_key"]');
    return {
      key: (keyInput && keyInput.value) || newKey(),
      user: USER,
      kind: form.getAttribute('data-queue'),
      action: new URL(form.getAttribute('action') || location.pathname, location.href).pathname,
      enctype: form.enctype === 'multipart/form-data' ? 'multipart' : 'urlencoded',
      fields: fields,
      title: title,
      created: new Date().toISOString(),
      status: 'waiting',
      tries: 0,
      due: 0,
    };
  }

  /** The session's user and CSRF token, from a page fetched now; none when signed out. */
  function session() {
    return fetch('/queue', { credentials: 'same-origin', cache: 'no-store' }).then(
      function (answer) {
        if (new URL(answer.url).pathname === '/login') return { signedOut: true };
        if (!answer.ok) throw new Error('status ' + answer.status);
        return answer.text().then(function (text) {
          var doc = new DOMParser().parseFromString(text, 'text/html');
          var meta = function (name) {
            var el = doc.querySelector('meta[name="' + name + '"]');
            return el ? el.getAttribute('content') : '';
          };
          return { user: meta('liaison-user'), token: meta('csrf-token') };
        });
      },
    );
  }

  /** The refusal's words: the page's error summary, else its alert or heading. */
  function reasonOf(text, status) {
    var doc = new DOMParser().parseFromString(text, 'text/html');
    var el =
      doc.querySelector('#errors') ||
      doc.querySelector('main .alert') ||
      doc.querySelector('main h1');
    var words = el ? el.textContent.replace(/\s+/g, ' ').trim() : '';
    return words || 'HTTP ' + status;
  }

  var backoff = function (tries) {
    return Math.min(MAX_WAIT, 5000 * Math.pow(2, tries));
  };

  /**
   * One try of an entry: its fields, the stored key and the session's token, posted as the form
   * would. A redirect is the record made (or made before: the server answers a repeated key
   * with the first answer); a refusal (4xx) is kept with its reason; no answer, a busy or
   * failing server keep it waiting.
   */
  function send(entry, token) {
    var body = entry.enctype === 'multipart' ? new FormData() : new URLSearchParams();
    // Token and key first: a multipart form's fields after its first file are not read before
    // the guard (src/web/kit/upload.ts).
    body.append('_csrf', token);
    body.append('_key', entry.key);
    entry.fields.forEach(function (field) {
      var value = field[1];
      if (typeof value === 'string') body.append(field[0], value);
      else body.append(field[0], value, value.name || 'file');
    });
    return fetch(entry.action, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': token },
    }).then(
      function (answer) {
        var path = new URL(answer.url).pathname;
        if (answer.redirected && path === '/login') return { status: 'waiting', note: 'signIn' };
        if (answer.redirected) return { status: 'sent', link: path + new URL(answer.url).search };
        if (answer.ok) return { status: 'sent' };
        if (answer.status === 409 || answer.status === 429 || answer.status >= 500)
          return { status: 'waiting' };
        return answer.text().then(function (text) {
          return { status: 'failed', reason: reasonOf(text, answer.status), code: answer.status };
        });
      },
      function () {
        return { status: 'waiting', note: 'offline' };
      },
    );
  }

  /**
   * Sends what is due, one entry after another, under a lock all tabs share: an entry is never
   * sent by two tabs at once. Only the signed-in user's entries are sent, with that user's
   * session. `only`: just that entry (a form submitted now), whatever its backoff.
   */
  function flush(o) {
    o = o || {};
    if (!navigator.locks) return run(o);
    return navigator.locks.request(LOCK, function () {
      return run(o);
    });
  }
  function run(o) {
    return entries().then(function (all) {
      var now = Date.now();
      var due = all.filter(function (e) {
        if (e.user !== USER) return false;
        if (o.only) return e.key === o.only;
        return (e.status === 'waiting' || e.status === 'sending') && (o.force || e.due <= now);
      });
      if (!due.length) return undefined;
      return session().then(
        function (s) {
          if (s.signedOut || s.user !== USER) {
            return Promise.all(
              due.map(function (e) {
                return patch(e.key, function (x) {
                  x.note = 'signIn';
                });
              }),
            ).then(function () {
              return { status: 'waiting', note: 'signIn' };
            });
          }
          var last;
          return due
            .reduce(function (chain, e) {
              return chain.then(function () {
                return patch(e.key, function (x) {
                  if (x.status === 'sent' || x.status === 'failed') return false;
                  x.status = 'sending';
                  x.tries += 1;
                })
                  .then(function (x) {
                    if (!x || x.status !== 'sending') return x;
                    return send(x, s.token).then(function (result) {
                      return patch(e.key, function (y) {
                        y.status = result.status;
                        y.note = result.note || '';
                        y.reason = result.reason || '';
                        y.link = result.link || '';
                        y.due = result.status === 'waiting' ? Date.now() + backoff(y.tries - 1) : 0;
                        if (result.status === 'sent') y.sent = new Date().toISOString();
                      });
                    });
                  })
                  .then(function (x) {
                    last = x;
                    show();
                  });
              });
            }, Promise.resolve())
            .then(function () {
              return last;
            });
        },
        function () {
          return Promise.all(
            due.map(function (e) {
              return patch(e.key, function (x) {
                x.note = 'offline';
                x.due = Date.now() + backoff(x.tries);
              });
            }),
          ).then(function () {
            return { status: 'waiting', note: 'offline' };
          });
        },
      );
    });
  }

  // A queued form: kept first, then sent when online. Submitted online, the user lands where
  // the form's answer leads; a refusal is the form's own page again, each field with its reason
  // (the entry goes: nothing was made under it, and the page holds what was typed); a refused
  // fix stays in the queue with the reason; offline (or no answer), the queue shows the entry
  // waiting.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute('data-queue')) return;
    if (event.defaultPrevented) return;
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    form.setAttribute('aria-busy', 'true');
    var entry = entryOf(form, event.submitter);
    // Fixing an entry of the queue replaces it, under the same key: the server made nothing
    // under a refused one.
    var replaced = form.getAttribute('data-fix');
    if (replaced) entry.key = replaced;
    change(entry.key, function (old) {
      if (old && old.status === 'sent') return undefined;
      if (old) entry.created = old.created;
      return entry;
    })
      .then(function (stored) {
        if (stored.status === 'sent') return stored;
        var keyInput = form.querySelector('input[name="_key"]');
        if (keyInput) keyInput.value = newKey();
        return navigator.onLine ? flush({ only: entry.key }) : undefined;
      })
      .then(
        function (result) {
          if (result && result.status === 'sent' && result.link) location.assign(result.link);
          else if (result && result.status === 'failed' && !replaced)
            idb.del(entry.key, store).then(function () {
              // Sent the ordinary way under the refused key, which the server answers alike.
              var keyInput = form.querySelector('input[name="_key"]');
              if (keyInput) keyInput.value = entry.key;
              HTMLFormElement.prototype.submit.call(form);
            });
          else if (result && result.status === 'failed')
            location.assign(entry.action + '?fix=' + encodeURIComponent(entry.key));
          else location.assign('/queue');
        },
        function () {
          form.removeAttribute('aria-busy');
        },
      );
  });

  // "Fix": the form opened with the entry's fields, its reason above; saving replaces it.
  var fixing = new URLSearchParams(location.search).get('fix');
  var fixForm = fixing && document.querySelector('form[data-queue]');
  if (fixForm) {
    idb.get(fixing, store).then(function (entry) {
      if (!entry || entry.user !== USER || entry.status === 'sent') return;
      fill(fixForm, entry);
      fixForm.setAttribute('data-fix', entry.key);
      var note = document.createElement('div');
      note.className = 'alert';
      note.id = 'queue-fixing';
      note.setAttribute('role', 'alert');
      note.textContent = entry.reason || '';
      var server = document.getElementById('errors');
      if (server) server.remove();
      fixForm.parentNode.insertBefore(note, fixForm);
    });
  }
  function fill(form, entry) {
    var byName = {};
    entry.fields.forEach(function (f) {
      (byName[f[0]] = byName[f[0]] || []).push(f[1]);
    });
    var elements = form.elements;
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      if (!el.name || el.name === '_csrf' || el.name === '_key' || el.type === 'submit') continue;
      var values = byName[el.name] || [];
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = values.indexOf(el.value) >= 0;
      else if (el.type === 'file') {
        if (values[0] && typeof values[0] !== 'string' && window.DataTransfer) {
          var files = new DataTransfer();
          files.items.add(values[0]);
          el.files = files.files;
        }
      } else if (typeof values[0] === 'string') el.value = values[0];
      else if (el.type !== 'search') el.value = '';
    }
    // Values no input holds (contacts picked from suggestions) travel as hidden fields.
    Object.keys(byName).forEach(function (name) {
      var present = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
      byName[name].forEach(function (value) {
        if (typeof value !== 'string') return;
        for (var j = 0; j < present.length; j++) if (present[j].value === value) return;
        var hidden = document.createElement('input');
        hidden.type = 'hidden';
        hidden.name = name;
        hidden.value = value;
        form.appendChild(hidden);
      });
    });
  }

  // ------------------------------------------------------------------ showing the queue
  var list = document.getElementById('queue');
  var badge = document.getElementById('queue-badge');
  var words = list ? JSON.parse(list.getAttribute('data-words') || '{}') : {};
  var locale = document.documentElement.lang === 'en' ? 'en-GB' : 'de-DE';
  var time = function (iso) {
    return new Date(iso).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
  };
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function show() {
    return entries().then(function (all) {
      var mine = all.filter(function (e) {
        return e.user === USER;
      });
      var waiting = mine.filter(function (e) {
        return e.status === 'waiting' || e.status === 'sending';
      }).length;
      if (badge) {
        badge.hidden = waiting === 0;
        document.getElementById('queue-count').textContent = String(waiting);
        var label = waiting + ' ' + badge.getAttribute('data-label');
        badge.setAttribute('title', label);
        badge.setAttribute('aria-label', label);
      }
      if (!list) return;
      var sendNow = document.getElementById('queue-send');
      if (sendNow) sendNow.hidden = waiting === 0;
      list.textContent = '';
      if (!mine.length)
        list.appendChild(
          el('li', { class: 'muted', id: 'queue-empty' }, list.getAttribute('data-empty')),
        );
      mine.reverse().forEach(function (e) {
        var item = el('li', { class: 'queue-entry card status-' + e.status, 'data-key': e.key });
        var head = el('p', { class: 'queue-head' });
        head.appendChild(el('span', { class: 'badge queue-status' }, words[e.status] || e.status));
        head.appendChild(el('strong', {}, ' ' + (words['kind_' + e.kind] || e.kind)));
        if (e.title) head.appendChild(el('span', { class: 'queue-title' }, ': ' + e.title));
        item.appendChild(head);
        item.appendChild(el('p', { class: 'muted' }, words.created + ' ' + time(e.created)));
        if (e.status === 'waiting' && e.note === 'signIn') {
          var signIn = el('p', { class: 'queue-note' });
          signIn.appendChild(el('a', { href: '/login?next=%2Fqueue' }, words.signInToSend));
          item.appendChild(signIn);
        } else if (e.status === 'waiting' && (e.note === 'offline' || !navigator.onLine))
          item.appendChild(el('p', { class: 'queue-note muted' }, words.offlineNow));
        if (e.status === 'failed')
          item.appendChild(el('p', { class: 'error queue-reason', role: 'alert' }, e.reason));
        var actions = el('p', { class: 'actions' });
        if (e.status === 'sent' && e.link)
          actions.appendChild(el('a', { class: 'button queue-open', href: e.link }, words.open));
        if (e.status === 'failed') {
          actions.appendChild(
            el(
              'a',
              {
                class: 'button primary queue-fix',
                href: e.action + '?fix=' + encodeURIComponent(e.key),
              },
              words.fix,
            ),
          );
          var discard = el(
            'button',
            { type: 'button', class: 'danger queue-discard', 'data-discard': e.key },
            words.discard,
          );
          actions.appendChild(discard);
        }
        if (actions.childNodes.length) item.appendChild(actions);
        list.appendChild(item);
      });
    });
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-discard]');
    if (button) {
      if (!window.confirm(words.discardConfirm)) return;
      var key = button.getAttribute('data-discard');
      idb
        .get(key, store)
        .then(function (e) {
          return e && e.status === 'failed' ? idb.del(key, store) : undefined;
        })
        .then(show);
      return;
    }
    if (event.target.closest && event.target.closest('#queue-send'))
      flush({ force: true }).then(show);
  });

  // Sent entries are kept a week on the device to link to what they made, then dropped.
  var WEEK = 7 * 24 * 60 * 60 * 1000;
  entries().then(function (all) {
    all.forEach(function (e) {
      if (e.status === 'sent' && Date.now() - Date.parse(e.sent) > WEEK) idb.del(e.key, store);
    });
  });

  if (!USER) return;
  show();
  var tick = function (force) {
    if (navigator.onLine && !savedAt) flush({ force: force }).then(show, show);
  };
  tick(true);
  window.addEventListener('online', function () {
    tick(true);
  });
  window.addEventListener('offline', show);
  setInterval(function () {
    tick(false);
  }, 15000);
})();
