package dev.sqlrl.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs), driven
 * with the keyboard only: pick a database, see its schema, ask a sample question, see the SQL, write and run a
 * query, see rows, see a DELETE refused. Screenshots go to target/serve-page*.png.
 */
class ServePageBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path dir;

    private static ServeFixture serve;
    private static WebDriver driver;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run installs them)");
        serve = ServeFixture.start(dir);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (driver != null) driver.quit();
        if (serve != null) serve.close();
    }

    @Test
    void askSeeSqlExecuteSeeRowsAndARefusedDelete() throws IOException {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        driver.get(serve.url("/"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("schema"), "CREATE TABLE staff"));
        assertEquals("company", driver.findElement(By.id("db")).getDomProperty("value"));

        // keyboard only: the arrow key picks the first sample question
        WebElement samples = driver.findElement(By.id("samples"));
        samples.sendKeys(Keys.ARROW_DOWN);
        wait.until(d -> !d.findElement(By.id("question")).getDomProperty("value").isEmpty());
        String question = driver.findElement(By.id("question")).getDomProperty("value");
        assertTrue(samples.findElements(By.tagName("option")).stream().anyMatch(o -> o.getText().equals(question)));

        driver.findElement(By.id("question")).sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("meta"), "confidence"));
        // the model's answer is in the editable box and in the highlighted view
        String generated = driver.findElement(By.id("sql")).getDomProperty("value");
        assertEquals(generated.strip(), driver.findElement(By.id("sql-view")).getDomProperty("textContent").strip());

        WebElement sql = driver.findElement(By.id("sql"));
        sql.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        sql.sendKeys("SELECT name, city FROM companies ORDER BY id LIMIT 5");
        sql.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
        wait.until(d -> d.findElements(By.cssSelector("#results tbody tr")).size() == 5);
        List<String> headers = driver.findElements(By.cssSelector("#results th")).stream().map(WebElement::getText).toList();
        assertEquals(List.of("name", "city"), headers);
        assertFalse(driver.findElements(By.cssSelector("#sql-view .hljs-keyword")).isEmpty(), "SQL is highlighted");
        screenshot("serve-page.png");

        sql.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        sql.sendKeys("DELETE FROM staff");
        new Actions(driver).sendKeys(Keys.TAB).perform(); // focus moves on to the Execute button
        assertEquals("execute", driver.switchTo().activeElement().getDomAttribute("id"));
        driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertTrue(driver.findElement(By.id("error")).getText().contains("refused"), driver.findElement(By.id("error")).getText());
        assertTrue(driver.findElement(By.id("problems")).getText().contains("DELETE statements are not allowed"));
        assertTrue(driver.findElements(By.cssSelector("#results tr")).isEmpty());
        screenshot("serve-page-refused.png");
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target").resolve(name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
