// Liaison: the few things pages do in the browser. No inline scripts (the CSP forbids them).
(function () {
  // A password link carries its token after "#", which no browser sends to a server: it goes
  // into the form here, and out of the address bar and history.
  var tokenField = document.querySelector('input[data-token-from-fragment]');
  if (tokenField && window.location.hash.length > 1) {
    tokenField.value = decodeURIComponent(window.location.hash.slice(1));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
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
  // Picking a suggestion of a search box (data-pick: the value it chooses).
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-pick]');
    if (!button) return;
    event.preventDefault();
    var id = button.getAttribute('data-pick');
    var label = button.getAttribute('data-label');
    var into = button.closest('[data-pick-into]');
    var target = into && document.getElementById(into.getAttribute('data-pick-into'));
    // A select: the suggestion becomes its chosen option.
    if (target && target.tagName === 'SELECT') {
      var option = target.querySelector('option[value="' + id + '"]');
      if (!option) {
        option = document.createElement('option');
        option.value = id;
        option.textContent = label;
        target.appendChild(option);
      }
      target.value = id;
      into.innerHTML = '';
      // As if chosen in the select: what depends on it follows (a trip's appointments).
      target.dispatchEvent(new Event('change', { bubbles: true }));
      target.focus();
      return;
    }
    // A multiple choice (a fieldset of boxes named as the field): ticked, or added ticked.
    if (target && target.tagName === 'FIELDSET') {
      var name = target.id.replace(/^f-/, '');
      into.innerHTML = '';
      tick(target, name, id, label, target.querySelector('.picker'));
      return;
    }
    // Without one: one more of the contacts picked (a checkbox the form submits).
    var list = document.getElementById('picked-contacts');
    if (!list) return;
    var li = list.appendChild(document.createElement('li'));
    if (!tick(list.closest('form') || list, 'contactIds', id, label, null, li))
      list.removeChild(li);
  });
  // Ticks the box `name` = `value` inside `scope` if there is one (linked before, or picked);
  // otherwise adds one, ticked, into `holder` (or before `before` in `scope`). Whether it added.
  function tick(scope, name, value, text, before, holder) {
    var present = scope.querySelector('input[name="' + name + '"][value="' + value + '"]');
    if (present) {
      present.checked = true;
      present.focus();
      return false;
    }
    var label = document.createElement('label');
    var box = document.createElement('input');
    box.type = 'checkbox';
    box.name = name;
    box.value = value;
    box.checked = true;
    label.appendChild(box);
    label.appendChild(document.createTextNode(' ' + text));
    if (holder) holder.appendChild(label);
    else scope.insertBefore(label, before);
    box.focus();
    return true;
  }
  // Enter in a suggestion box inside a form looks up, it does not submit the form.
  document.addEventListener('keydown', function (event) {
    var target = event.target;
    if (
      event.key === 'Enter' &&
      target &&
      target.hasAttribute &&
      target.hasAttribute('data-suggest')
    )
      event.preventDefault();
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
  // ------------------------------------------------------------ leads board
  // A card moves to another stage by dragging it onto the column, by the arrow keys when it has
  // focus, or by its own select (which also works without this script). Each move posts to the
  // page route with the version the card was drawn at; the answer is the card as it now is.
  var CLOSED = { won: true, lost: true };
  function boardEl() {
    return document.getElementById('board');
  }
  function money(value) {
    var board = boardEl();
    var tag = board && board.getAttribute('data-locale') === 'en' ? 'en-GB' : 'de-DE';
    return new Intl.NumberFormat(tag, {
      style: 'currency',
      currency: 'EUR',
      maximumFractionDigits: 0,
    }).format(value);
  }
  function column(stage) {
    return document.getElementById('stage-' + stage);
  }
  function adjust(stage, count, value) {
    var col = column(stage);
    if (!col) return;
    var n = Number(col.getAttribute('data-count')) + count;
    var total = Number(col.getAttribute('data-total')) + value;
    col.setAttribute('data-count', String(n));
    col.setAttribute('data-total', String(total));
    col.querySelector('.stage-count').textContent = String(n);
    var noun = col.querySelector('.stage-noun');
    if (noun) noun.textContent = noun.getAttribute(n === 1 ? 'data-one' : 'data-many');
    col.querySelector('.stage-total').textContent = money(total);
    var open = 0;
    var columns = document.querySelectorAll('#board .stage-column');
    for (var i = 0; i < columns.length; i++) {
      if (!CLOSED[columns[i].getAttribute('data-stage')])
        open += Number(columns[i].getAttribute('data-total'));
    }
    var openEl = document.getElementById('open-total');
    if (openEl) {
      openEl.setAttribute('data-total', String(open));
      openEl.textContent = money(open);
    }
  }
  function announce(text, bad) {
    var status = document.getElementById('board-status');
    if (!status) return;
    status.textContent = text;
    status.className = 'board-status' + (bad ? ' bad' : '');
  }
  function place(card, stage) {
    var col = column(stage);
    if (col) col.querySelector('.cards').insertBefore(card, col.querySelector('.cards').firstChild);
  }
  function fromHtml(text) {
    var box = document.createElement('div');
    box.innerHTML = text;
    return box.firstElementChild;
  }
  var askLost = function (done) {
    var dialog = document.getElementById('lost-dialog');
    if (!dialog || !dialog.showModal) return done('');
    var reason = document.getElementById('lost-dialog-reason');
    reason.value = '';
    dialog.returnValue = '';
    dialog.addEventListener(
      'close',
      function () {
        done(dialog.returnValue === 'ok' ? reason.value : null);
      },
      { once: true },
    );
    dialog.showModal();
    reason.focus();
  };
  function move(card, stage, reason) {
    var from = card.getAttribute('data-stage');
    if (!stage || stage === from || card.getAttribute('aria-busy') === 'true') return;
    if (stage === 'lost' && reason === undefined) {
      return askLost(function (given) {
        if (given === null) return card.focus();
        move(card, stage, given);
      });
    }
    var form = card.querySelector('form.move-form');
    if (!form) return;
    var body = new URLSearchParams(new FormData(form));
    body.set('stage', stage);
    body.set('lostReason', reason || '');
    var value = Number(card.getAttribute('data-value')) || 0;
    var hadFocus = card.contains(document.activeElement);
    // Moved at once; put right when the server says otherwise.
    adjust(from, -1, -value);
    adjust(stage, 1, value);
    card.setAttribute('data-stage', stage);
    card.setAttribute('aria-busy', 'true');
    place(card, stage);
    var meta = document.querySelector('meta[name="csrf-token"]');
    fetch(form.getAttribute('action'), {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: {
        'X-Requested-With': 'fetch',
        'X-CSRF-Token': meta ? meta.getAttribute('content') : '',
        Accept: 'application/json',
      },
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        var fresh = answer.card ? fromHtml(answer.card) : null;
        if (!answer.ok) {
          adjust(stage, -1, -value);
          if (fresh) adjust(answer.stage, 1, Number(fresh.getAttribute('data-value')) || 0);
        }
        if (fresh) {
          card.replaceWith(fresh);
          place(fresh, answer.stage);
          if (hadFocus) fresh.focus();
        } else card.remove();
        announce(answer.message, !answer.ok);
      })
      .catch(function () {
        window.location.reload();
      });
  }
  var dragged = null;
  document.addEventListener('dragstart', function (event) {
    var card = event.target.closest && event.target.closest('.lead-card[draggable="true"]');
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', card.getAttribute('data-lead'));
    card.classList.add('dragging');
  });
  document.addEventListener('dragend', function () {
    if (dragged) dragged.classList.remove('dragging');
    dragged = null;
    var targets = document.querySelectorAll('.stage-column.drop-target');
    for (var i = 0; i < targets.length; i++) targets[i].classList.remove('drop-target');
  });
  document.addEventListener('dragover', function (event) {
    var col = dragged && event.target.closest && event.target.closest('.stage-column');
    if (!col) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    var targets = document.querySelectorAll('.stage-column.drop-target');
    for (var i = 0; i < targets.length; i++)
      if (targets[i] !== col) targets[i].classList.remove('drop-target');
    col.classList.add('drop-target');
  });
  document.addEventListener('drop', function (event) {
    var col = dragged && event.target.closest && event.target.closest('.stage-column');
    if (!col) return;
    event.preventDefault();
    col.classList.remove('drop-target');
    var card = dragged;
    dragged = null;
    move(card, col.getAttribute('data-stage'));
  });
  // The card's own select: moved in place instead of a page load.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains('move-form')) return;
    var card = form.closest('#board .lead-card');
    if (!card) return;
    event.preventDefault();
    var stage = form.querySelector('select[name="stage"]').value;
    var reason = form.querySelector('input[name="lostReason"]');
    move(card, stage, stage === 'lost' ? (reason ? reason.value : '') : '');
  });
  // Arrow keys on a focused card: one stage left or right.
  document.addEventListener('keydown', function (event) {
    var card = event.target;
    if (!card.classList || !card.classList.contains('lead-card') || !card.closest('#board')) return;
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    if (card.getAttribute('draggable') !== 'true') return;
    var columns = Array.prototype.slice.call(document.querySelectorAll('#board .stage-column'));
    var stages = columns.map(function (c) {
      return c.getAttribute('data-stage');
    });
    var i = stages.indexOf(card.getAttribute('data-stage')) + (event.key === 'ArrowRight' ? 1 : -1);
    if (i < 0 || i >= stages.length) return;
    event.preventDefault();
    move(card, stages[i]);
    card.focus();
  });
  // A card's photo is made smaller on the device before it is sent or queued: a phone's camera
  // takes 12–50 megapixels, a card reads best at about 2,000 px on its long side, and the upload
  // (or the device queue) stays small. The form waits for it: its button is off meanwhile.
  var CARD_PHOTO_PX = 2000;
  document.addEventListener('change', function (event) {
    var input = event.target;
    if (!input || input.type !== 'file' || !input.closest('form[data-queue="scan"]')) return;
    var file = input.files && input.files[0];
    if (!file || !/^image\/(jpeg|png|webp)$/.test(file.type)) return;
    if (typeof createImageBitmap !== 'function' || typeof DataTransfer !== 'function') return;
    var button = input.form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    var done = function () {
      if (button) button.disabled = false;
    };
    createImageBitmap(file)
      .then(function (bitmap) {
        var scale = Math.min(1, CARD_PHOTO_PX / Math.max(bitmap.width, bitmap.height));
        if (scale === 1 && file.size < 1500000) return done();
        var canvas = document.createElement('canvas');
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(
          function (blob) {
            if (blob && blob.size < file.size) {
              var transfer = new DataTransfer();
              var name = file.name.replace(/\.[a-z]+$/i, '') + '.jpg';
              transfer.items.add(new File([blob], name, { type: 'image/jpeg' }));
              input.files = transfer.files;
            }
            done();
          },
          'image/jpeg',
          0.9,
        );
      })
      .catch(done);
  });
})();
