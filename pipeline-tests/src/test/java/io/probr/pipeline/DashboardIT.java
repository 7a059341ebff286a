package io.probr.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.probr.control.ControlApp;
import io.probr.control.ControlConfig;
import io.probr.control.config.Tokens;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.payload.TagStatus;
import io.probr.schemas.runtime.KafkaSettings;
import io.probr.sink.clickhouse.ClickHouseHttp;
import io.probr.sink.clickhouse.ClickHouseWriter;
import io.probr.sink.mapping.RowBatch;
import io.probr.sink.mapping.Rows;
import io.probr.sink.schema.Migration;
import io.probr.sink.schema.MigrationRunner;
import io.probr.stack.LocalClickHouse;
import io.probr.stack.LocalKafkaBroker;
import io.probr.stack.SharedClickHouse;
import io.probr.stack.SharedKafkaBroker;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's chromium, driven through chromedriver) over the API and ClickHouse
 * with known rows: the tag rows show the expected figures, the charts are drawn, the firing tag is marked.
 * Screenshots at 1280 and 390 px wide go to target/.
 */
@ExtendWith({SharedKafkaBroker.class, SharedClickHouse.class})
class DashboardIT {
    private final String container = "GTM-DASH" + UUID.randomUUID().toString().substring(0, 4).toUpperCase();

    @Test
    void theTagRowsChartsAndTheFiringIncidentAreShown(LocalKafkaBroker broker, LocalClickHouse clickHouse)
            throws Exception {
        ClickHouseHttp http = new ClickHouseHttp(clickHouse.httpUrl(), "default", "");
        new MigrationRunner(http).apply(Migration.bundled());
        long now = System.currentTimeMillis() - 60_000;
        RowBatch rows = new RowBatch();
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.randomUUID();
            rows.events().add(new Rows.EventRow(id, container, "purchase", now + i, now, "k", "s", 2, null, null));
            rows.tagExecutions().add(new Rows.TagExecutionRow(id, 0, container, "purchase", now + i, "Meta CAPI", "22",
                    "Meta CAPI", i == 0 ? TagStatus.SUCCESS : TagStatus.FAILURE, 1000L));
            rows.tagExecutions().add(new Rows.TagExecutionRow(id, 1, container, "purchase", now + i, "GA4", "15", "GA4",
                    TagStatus.SUCCESS, 100L));
        }
        try (ClickHouseWriter writer = new ClickHouseWriter(clickHouse.httpUrl(), "default", "")) {
            writer.write(rows);
        }
        http.query("INSERT INTO probr.alert_executions (transition_id, incident_id, trigger_id, trigger_name, site_id,"
                + " container_id, tag, status, metric, value, threshold, window_start_ms, window_end_ms, at_ms) VALUES"
                + " ('inc_dash-firing', 'inc_dash', 'tr_dash', 'Meta CAPI failing', '', '" + container + "', 'Meta CAPI',"
                + " 'firing', 'failure_rate', 0.6667, 0.5, " + (now - 300_000) + ", " + now + ", " + now + ")");

        try (ControlApp api = api(broker, clickHouse.httpUrl())) {
            ChromeDriver browser = signedIn(api, readOnlyToken(broker));
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                wait.until(d -> new Select(d.findElement(By.id("container"))).getOptions().stream()
                        .anyMatch(o -> o.getText().equals(container)));
                new Select(browser.findElement(By.id("container"))).selectByVisibleText(container);
                wait.until(d -> d.findElements(By.cssSelector("#tags tbody tr[data-tag='Meta CAPI']")).size() == 1);

                // the table is drawn again when the incidents arrive: read it once it has settled
                wait.until(d -> row(d, "Meta CAPI").endsWith(" firing"));
                assertEquals("Meta CAPI 3 66.7 % 0 1.0 s 1.0 s firing", row(browser, "Meta CAPI"),
                        "worst first, figures for people, the firing tag marked");
                assertEquals("GA4 3 0.0 % 0 100 ms 100 ms", row(browser, "GA4"));
                assertEquals("Meta CAPI", browser.findElement(By.cssSelector("#tags tbody tr")).getAttribute("data-tag"));
                wait.until(d -> !d.findElements(By.cssSelector("#volume canvas")).isEmpty()
                        && !d.findElements(By.cssSelector("#tags .spark canvas")).isEmpty());
                assertTrue(browser.findElement(By.id("incidents")).getText().contains("Meta CAPI failing firing"));
                assertTrue(browser.findElement(By.id("refreshed")).getText().startsWith("refreshed "));
                assertTrue(!browser.findElement(By.id("error")).isDisplayed(), browser.findElement(By.id("error")).getText());
                screenshot(browser, "dashboard-1280.png");

                browser.manage().window().setSize(new Dimension(390, 844));
                wait.until(d -> d.findElement(By.cssSelector("#volume .uplot")).getSize().getWidth() <= 390);
                assertTrue((Long) browser.executeScript("return document.documentElement.scrollWidth") <= 390L,
                        "nothing wider than the phone's screen but the table's own scroll");
                screenshot(browser, "dashboard-390.png");
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void withoutClickHouseThePageSaysSoInsteadOfStayingBlank(LocalKafkaBroker broker) throws Exception {
        try (ControlApp api = api(broker, "http://127.0.0.1:9")) {
            ChromeDriver browser = signedIn(api, readOnlyToken(broker));
            try {
                new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> d.findElement(By.id("error")).isDisplayed());
                assertTrue(browser.findElement(By.id("error")).getText().contains("ClickHouse is unavailable"),
                        browser.findElement(By.id("error")).getText());
            } finally {
                browser.quit();
            }
        }
    }

    private static ControlApp api(LocalKafkaBroker broker, String clickHouseUrl) throws Exception {
        return new ControlApp(ControlConfig.fromEnv(Map.of("PROBR_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
                "PROBR_API_HOST", "127.0.0.1", "PROBR_API_PORT", "0", "PROBR_CLICKHOUSE_URL", clickHouseUrl)));
    }

    private static String readOnlyToken(LocalKafkaBroker broker) throws Exception {
        KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Map.of(), 3, (short) 1);
        try (ConfigView view = new ConfigView(kafka, "dashboard-it").start();
             ConfigWriter writer = new ConfigWriter(kafka, view)) {
            assertTrue(view.awaitLoaded(Duration.ofSeconds(30)));
            return (String) new Tokens(view, writer, Clock.systemUTC()).create("dashboard", true).get("token");
        }
    }

    /** A browser on the dashboard, the token pasted as a person would. */
    private static ChromeDriver signedIn(ControlApp api, String token) throws Exception {
        ApiTokens.awaitKnown(api.port(), token);
        ChromeDriver browser = browser();
        try {
            browser.get("http://127.0.0.1:" + api.port() + "/");
            browser.findElement(By.id("token")).sendKeys(token);
            browser.findElement(By.cssSelector("#token-form button")).click();
            return browser;
        } catch (RuntimeException e) {
            browser.quit();
            throw e;
        }
    }

    /** A tag's row as text, " firing" appended when it is marked so; read again if it is drawn anew meanwhile. */
    private static String row(WebDriver browser, String tag) {
        for (int attempt = 0; ; attempt++) {
            try {
                WebElement row = browser.findElement(By.cssSelector("#tags tbody tr[data-tag='" + tag + "']"));
                return cells(row) + (row.getAttribute("class").contains("firing") ? " firing" : "");
            } catch (StaleElementReferenceException | NoSuchElementException redrawn) {
                if (attempt == 20) {
                    throw redrawn;
                }
            }
        }
    }

    private static String cells(WebElement row) {
        return String.join(" ", row.findElements(By.tagName("td")).stream().map(WebElement::getText)
                .filter(t -> !t.isBlank()).toList());
    }

    private static void screenshot(ChromeDriver browser, String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Debian's chromium and chromedriver (.ci/run installs both), headless; never a downloaded driver. */
    private static ChromeDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
