import { t } from '@/lib/shared/i18n';

/**
 * The first run's few lines: what the page is for, the steps, and where the Appstle key comes from
 * (Appstle admin → Settings → API Key Management; API access needs Appstle's API plan:
 * developers.appstle.com/subscription/authentication and developers.subscription.appstle.com/integration-guide).
 */
export function Intro() {
  return (
    <section className="intro" aria-labelledby="intro-title">
      <h2 id="intro-title" className="label">
        {t('options.introTitle')}
      </h2>
      <p>{t('options.intro')}</p>
      <ol>
        <li>{t('options.introStore')}</li>
        <li>{t('options.introKey')}</li>
        <li>{t('options.introHosts')}</li>
      </ol>
      <p className="hint">{t('options.introRelay')}</p>
    </section>
  );
}
