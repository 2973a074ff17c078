import type { BannerTexts } from '../options.js';

/** Default texts by language (`<html lang>`); owners override any key per language. */
export const TEXTS: Record<string, BannerTexts> = {
  en: {
    title: 'Your privacy choices',
    body: 'We use cookies and similar technologies to measure visits and, with your consent, for marketing and personalisation. You can change your choice at any time.',
    policy: 'Privacy policy',
    accept: 'Accept all',
    reject: 'Reject all',
    customize: 'Customise',
    save: 'Save choices',
    necessary: 'Necessary (always on)',
    functional: 'Functional',
    analytics: 'Analytics',
    marketing: 'Marketing',
    personalization: 'Personalisation',
  },
  it: {
    title: 'Le tue scelte sulla privacy',
    body: 'Usiamo cookie e tecnologie simili per misurare le visite e, con il tuo consenso, per marketing e personalizzazione. Puoi cambiare la tua scelta in qualsiasi momento.',
    policy: 'Informativa privacy',
    accept: 'Accetta tutto',
    reject: 'Rifiuta tutto',
    customize: 'Personalizza',
    save: 'Salva scelte',
    necessary: 'Necessari (sempre attivi)',
    functional: 'Funzionali',
    analytics: 'Statistiche',
    marketing: 'Marketing',
    personalization: 'Personalizzazione',
  },
  de: {
    title: 'Ihre Datenschutz-Einstellungen',
    body: 'Wir verwenden Cookies und ähnliche Technologien, um Besuche zu messen und, mit Ihrer Einwilligung, für Marketing und Personalisierung. Sie können Ihre Wahl jederzeit ändern.',
    policy: 'Datenschutzerklärung',
    accept: 'Alle akzeptieren',
    reject: 'Alle ablehnen',
    customize: 'Anpassen',
    save: 'Auswahl speichern',
    necessary: 'Notwendig (immer aktiv)',
    functional: 'Funktional',
    analytics: 'Statistik',
    marketing: 'Marketing',
    personalization: 'Personalisierung',
  },
  fr: {
    title: 'Vos choix de confidentialité',
    body: 'Nous utilisons des cookies et technologies similaires pour mesurer les visites et, avec votre consentement, pour le marketing et la personnalisation. Vous pouvez modifier votre choix à tout moment.',
    policy: 'Politique de confidentialité',
    accept: 'Tout accepter',
    reject: 'Tout refuser',
    customize: 'Personnaliser',
    save: 'Enregistrer',
    necessary: 'Nécessaires (toujours actifs)',
    functional: 'Fonctionnels',
    analytics: 'Mesure d’audience',
    marketing: 'Marketing',
    personalization: 'Personnalisation',
  },
  es: {
    title: 'Tus opciones de privacidad',
    body: 'Usamos cookies y tecnologías similares para medir las visitas y, con tu consentimiento, para marketing y personalización. Puedes cambiar tu elección en cualquier momento.',
    policy: 'Política de privacidad',
    accept: 'Aceptar todo',
    reject: 'Rechazar todo',
    customize: 'Personalizar',
    save: 'Guardar opciones',
    necessary: 'Necesarias (siempre activas)',
    functional: 'Funcionales',
    analytics: 'Analítica',
    marketing: 'Marketing',
    personalization: 'Personalización',
  },
};

/**
 * Texts for the page's language: those of its primary tag (`it-CH` → `it`, `nl-BE` → an
 * owner's `nl`), English otherwise, with the owner's overrides (`it`, then `it-CH`). `lang`:
 * the language they are in, for screen readers when it is not the page's.
 */
export function textsFor(
  lang: string,
  overrides: Record<string, Partial<BannerTexts>> = {},
): BannerTexts & { lang: string } {
  const code = (lang.split('-')[0] as string).toLowerCase();
  const base = TEXTS[code] ? code : 'en';
  return {
    ...(TEXTS[base] as BannerTexts),
    ...overrides[base],
    ...overrides[code],
    ...overrides[lang],
    lang: TEXTS[code] || overrides[code] || overrides[lang] ? lang : 'en',
  };
}
