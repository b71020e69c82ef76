import { test, expect, targets } from './fixtures';

for (const target of targets) {
  // The guard itself must be able to fail: an image from another site is both a foreign
  // request and a CSP violation, so this test is expected to fail in the fixture.
  test(`${target.name}: the network guard catches a request to another site`, async ({ page }) => {
    test.fail();
    await page.goto(target.url);
    await expect(page.getByRole('heading', { name: 'Loupe' })).toBeVisible();
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.src = 'http://192.0.2.1/pixel.png';
      document.body.append(img);
    });
    await page.waitForTimeout(300);
  });
}
