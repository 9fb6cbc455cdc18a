// Liaison's service worker: the app's own files and the pages a user opened, to read offline.
// Pages are fetched from the network first; only when that fails is the saved copy shown, marked
// with the time it was saved. Saved pages are kept per signed-in user and only that user's are
// ever shown; signing out empties them. Posts are never answered from here:
// the device queue (public/offline.js) keeps what is recorded offline.
'use strict';

var SHELL = 'liaison-shell-v1';
var PAGES = 'liaison-pages-';
var META = 'liaison-meta';
var USER_KEY = '/__liaison/user';
var SHELL_FILES = [
  '/assets/app.css',
  '/assets/app.js',
  '/assets/offline.js',
  '/assets/idb-keyval.js',
  '/assets/htmx.min.js',
  '/assets/favicon.svg',
  '/assets/icon-192.png',
  '/manifest.webmanifest',
];
/** Pages that open with any query (`/log?fix=…`), saved without one. */
var FORMS = ['/log', '/scan', '/queue'];
var USER_META = /<meta name="liaison-user" content="([0-9a-f-]*)"/;

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches
      .open(SHELL)
      .then(function (cache) {
        return cache.addAll(SHELL_FILES);
      })
      .then(function () {
        return self.skipWaiting();
      }),
  );
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf('liaison-shell-') === 0 && name !== SHELL;
            })
            .map(function (name) {
              return caches.delete(name);
            }),
        );
      })
      .then(function () {
        return self.clients.claim();
      }),
  );
});

function currentUser() {
  return caches
    .open(META)
    .then(function (cache) {
      return cache.match(USER_KEY);
    })
    .then(function (answer) {
      return answer ? answer.text() : '';
    });
}

/** The user whose pages may be shown; every other user's saved pages are deleted. */
function setUser(id) {
  return caches
    .open(META)
    .then(function (cache) {
      return cache.put(USER_KEY, new Response(id));
    })
    .then(function () {
      return caches.keys();
    })
    .then(function (names) {
      return Promise.all(
        names
          .filter(function (name) {
            return name.indexOf(PAGES) === 0 && name !== PAGES + id;
          })
          .map(function (name) {
            return caches.delete(name);
          }),
      );
    });
}

var pathOf = function (url) {
  var u = new URL(url);
  return FORMS.indexOf(u.pathname) >= 0 ? u.pathname : u.pathname + u.search;
};

/** A page as it came from the network, saved for its user (named in the page) with the time. */
function savePage(url, answer) {
  if (answer.status !== 200 || answer.type !== 'basic' || answer.redirected)
    return Promise.resolve();
  if ((answer.headers.get('Content-Type') || '').indexOf('text/html') !== 0)
    return Promise.resolve();
  return answer.text().then(function (text) {
    var user = (USER_META.exec(text) || [])[1];
    if (!user) return;
    return currentUser()
      .then(function (current) {
        if (current !== user) return setUser(user);
      })
      .then(function () {
        return caches.open(PAGES + user);
      })
      .then(function (cache) {
        return cache.put(
          pathOf(url),
          new Response(text, {
            headers: {
              'Content-Type': 'text/html; charset=utf-8',
              'X-Saved-At': new Date().toISOString(),
            },
          }),
        );
      });
  });
}

/** The saved copy of a page, marked as such for public/offline.js' banner. */
function savedPage(url) {
  return currentUser().then(function (user) {
    if (!user) return undefined;
    return caches
      .open(PAGES + user)
      .then(function (cache) {
        return cache.match(pathOf(url));
      })
      .then(function (saved) {
        if (!saved) return undefined;
        var at = saved.headers.get('X-Saved-At') || '';
        return saved.text().then(function (text) {
          return new Response(text.replace('<body', '<body data-saved-at="' + at + '"'), {
            headers: { 'Content-Type': 'text/html; charset=utf-8' },
          });
        });
      });
  });
}

var NOT_SAVED =
  '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
  '<title>Offline · Liaison</title><link rel="stylesheet" href="/assets/app.css"></head><body><main id="main">' +
  '<h1>Offline</h1><p id="not-saved">Diese Seite ist auf dem Gerät nicht gespeichert. · This page is not saved on this device.</p>' +
  '<p><a href="/queue">Warteschlange · Queue</a> · <a href="/">Liaison</a></p></main></body></html>';

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Signing out (however the form is sent) empties the saved pages first, then goes on. Not by
  // `Clear-Site-Data`: its "cache" leaves Cache Storage alone, and "storage" takes the queue.
  if (request.method === 'POST' && url.pathname === '/logout') {
    event.respondWith(
      signOut().then(
        function () {
          return fetch(request);
        },
        function () {
          return fetch(request);
        },
      ),
    );
    return;
  }
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).then(
        function (answer) {
          event.waitUntil(savePage(request.url, answer.clone()));
          return answer;
        },
        function () {
          return savedPage(request.url).then(function (saved) {
            return (
              saved ||
              new Response(NOT_SAVED, {
                status: 503,
                headers: { 'Content-Type': 'text/html; charset=utf-8' },
              })
            );
          });
        },
      ),
    );
    return;
  }
  if (SHELL_FILES.indexOf(url.pathname) >= 0) {
    // The network's newest copy when there is one (a deploy shows at once), else the saved one.
    event.respondWith(
      fetch(request).then(
        function (answer) {
          if (answer.ok) {
            var copy = answer.clone();
            event.waitUntil(
              caches.open(SHELL).then(function (cache) {
                return cache.put(url.pathname, copy);
              }),
            );
          }
          return answer;
        },
        function () {
          return caches.match(url.pathname, { cacheName: SHELL }).then(function (saved) {
            return saved || Response.error();
          });
        },
      ),
    );
  }
});

/** A page saved this long ago is not fetched again when a trip's page asks to keep it. */
var FRESH_MS = 10 * 60 * 1000;

/** Whether the user's saved copy of `path` is younger than FRESH_MS. */
function savedRecently(path) {
  return currentUser().then(function (user) {
    if (!user) return false;
    return caches
      .open(PAGES + user)
      .then(function (cache) {
        return cache.match(pathOf(new URL(path, self.location.origin).href));
      })
      .then(function (saved) {
        var at = saved ? Date.parse(saved.headers.get('X-Saved-At') || '') : NaN;
        return Date.now() - at < FRESH_MS;
      });
  });
}

/**
 * Fetches pages into the user's saved pages (a trip's days, its appointments' people, delegates'
 * companies, partners, contacts): three at a time, and none saved in the last FRESH_MS, so opening
 * a trip again does not ask the server for all of it again. Answers how many are saved.
 */
function keep(paths) {
  var waiting = paths.slice();
  var saved = 0;
  function fetchOne(path) {
    return fetch(path, { credentials: 'same-origin', redirect: 'manual' }).then(
      function (answer) {
        return savePage(new URL(path, self.location.origin).href, answer).then(function () {
          return answer.status === 200 ? 1 : 0;
        });
      },
      function () {
        return 0;
      },
    );
  }
  function next() {
    var path = waiting.shift();
    if (path === undefined) return Promise.resolve();
    return savedRecently(path)
      .then(function (fresh) {
        return fresh ? 1 : fetchOne(path);
      })
      .then(function (n) {
        saved += n;
        return next();
      });
  }
  return Promise.all([next(), next(), next()]).then(function () {
    return saved;
  });
}

function signOut() {
  return caches.keys().then(function (names) {
    return Promise.all(
      names
        .filter(function (name) {
          return name.indexOf(PAGES) === 0 || name === META;
        })
        .map(function (name) {
          return caches.delete(name);
        }),
    );
  });
}

self.addEventListener('message', function (event) {
  var data = event.data || {};
  var reply = function (value) {
    if (event.ports && event.ports[0]) event.ports[0].postMessage(value);
  };
  var work =
    data.type === 'keep' && Array.isArray(data.paths)
      ? keep(
          data.paths.filter(function (p) {
            return typeof p === 'string' && p.charAt(0) === '/' && p.charAt(1) !== '/';
          }),
        )
      : Promise.resolve();
  event.waitUntil(work.then(reply, reply));
});
