// Entry point: three views behind tabs (#policies, #what-if, #activity), one shared policy list.
import { initAuth } from './auth.js';
import { initActivity, showActivity } from './activity.js';
import { reloadPolicies } from './policy-list.js';
import { initPolicies, showPolicyLoadError } from './policies.js';
import { initWhatIf } from './what-if.js';

const VIEWS = ['policies', 'what-if', 'activity'];

function route() {
  const wanted = location.hash.slice(1);
  const view = VIEWS.includes(wanted) ? wanted : 'policies';
  for (const name of VIEWS) {
    document.getElementById(name).hidden = name !== view;
    const tab = document.querySelector(`[data-tab="${name}"]`);
    if (name === view) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  if (view === 'activity') showActivity();
}

async function reload() {
  try {
    await reloadPolicies();
  } catch (error) {
    showPolicyLoadError(error);
  }
  route();
}

initAuth(reload);
initPolicies();
initWhatIf();
initActivity();
window.addEventListener('hashchange', route);
reload();
