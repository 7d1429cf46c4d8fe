package dev.sqlrl.demo.company;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The rows of the demo's company database, drawn from the word lists with a seed. Every city,
 * industry, role and status is used (so every slot value of a question template exists), every
 * company has staff and projects, and staff only work on projects of their own company.
 *
 * <p>java.util.Random, not SplittableRandom: its algorithm is fixed by the Java specification, so a
 * seed gives the same database on every JDK.
 */
public record CompanyRows(List<Company> companies, List<Staff> staff, List<Project> projects, List<Contract> contracts) {
    public record Company(int id, String name, String city, String industry) {}

    public record Staff(int id, String name, String role, int salary, int companyId) {}

    public record Project(int id, String name, int companyId, int budget, String status) {}

    public record Contract(int id, int projectId, int staffId, int hours, int rate) {}

    /** How many rows of each table to draw. */
    public record Size(int companies, int staff, int projects, int contracts) {
        public static final Size DEFAULT = new Size(15, 100, 40, 150);

        public Size {
            if (companies < 1 || staff < 2 * companies || projects < companies || contracts < 1) {
                throw new IllegalArgumentException("need at least one company, two staff and one project per company, "
                        + "and one contract; got " + this);
            }
        }
    }

    private static final int MIN_STAFF_PER_COMPANY = 2;
    private static final int MIN_SALARY = 38_000;
    private static final int SALARY_RANGE = 90_000;
    private static final int SALARY_STEP = 500;
    private static final int MIN_BUDGET = 50_000;
    private static final int BUDGET_STEPS = 200;
    private static final int BUDGET_STEP = 10_000;

    public CompanyRows {
        companies = List.copyOf(companies);
        staff = List.copyOf(staff);
        projects = List.copyOf(projects);
        contracts = List.copyOf(contracts);
    }

    /** Draws the rows of {@code size} from {@code words}; the same arguments give the same rows. */
    public static CompanyRows generate(long seed, Size size, CompanyWords words) {
        requireEnough("companies", size.companies(), words.companies().size());
        requireEnough("projects", size.projects(), words.projects().size());
        requireEnough("staff names (first x last)", size.staff(), words.firstNames().size() * words.lastNames().size());
        Random random = new Random(seed);

        List<String> companyNames = pick(words.companies(), size.companies(), random);
        List<String> cities = covering(words.cities(), size.companies(), random);
        List<String> industries = covering(words.industries(), size.companies(), random);
        List<Company> companies = new ArrayList<>();
        for (int i = 0; i < size.companies(); i++) {
            companies.add(new Company(i + 1, companyNames.get(i), cities.get(i), industries.get(i)));
        }

        List<String> staffNames = staffNames(size.staff(), words, random);
        List<String> roles = covering(words.roles(), size.staff(), random);
        List<Integer> staffCompanies = owners(size.companies(), size.staff(), MIN_STAFF_PER_COMPANY, random);
        List<Staff> staff = new ArrayList<>();
        for (int i = 0; i < size.staff(); i++) {
            int salary = MIN_SALARY + random.nextInt(SALARY_RANGE / SALARY_STEP + 1) * SALARY_STEP;
            staff.add(new Staff(i + 1, staffNames.get(i), roles.get(i), salary, staffCompanies.get(i)));
        }

        List<String> projectNames = pick(words.projects(), size.projects(), random);
        List<String> statuses = covering(words.statuses(), size.projects(), random);
        List<Integer> projectCompanies = owners(size.companies(), size.projects(), 1, random);
        List<Project> projects = new ArrayList<>();
        for (int i = 0; i < size.projects(); i++) {
            int budget = MIN_BUDGET + random.nextInt(BUDGET_STEPS) * BUDGET_STEP;
            projects.add(new Project(i + 1, projectNames.get(i), projectCompanies.get(i), budget, statuses.get(i)));
        }

        return new CompanyRows(companies, staff, projects, contracts(size.contracts(), staff, projects, random));
    }

    /** Contracts between a project and a member of the company that runs it; no pair twice. */
    private static List<Contract> contracts(int count, List<Staff> staff, List<Project> projects, Random random) {
        List<List<Staff>> staffByCompany = new ArrayList<>();
        for (Staff member : staff) {
            while (staffByCompany.size() < member.companyId()) staffByCompany.add(new ArrayList<>());
            staffByCompany.get(member.companyId() - 1).add(member);
        }
        long possible = projects.stream().mapToLong(p -> staffByCompany.get(p.companyId() - 1).size()).sum();
        if (count > possible) {
            throw new IllegalArgumentException(count + " contracts wanted but only " + possible
                    + " (project, staff of its company) pairs exist");
        }
        Set<Long> used = new HashSet<>();
        List<Contract> contracts = new ArrayList<>();
        while (contracts.size() < count) {
            Project project = projects.get(random.nextInt(projects.size()));
            List<Staff> team = staffByCompany.get(project.companyId() - 1);
            Staff member = team.get(random.nextInt(team.size()));
            if (used.add((long) project.id() << 32 | member.id())) {
                int hours = 10 + random.nextInt(391);
                int rate = 50 + random.nextInt(31) * 5;
                contracts.add(new Contract(contracts.size() + 1, project.id(), member.id(), hours, rate));
            }
        }
        return contracts;
    }

    private static List<String> staffNames(int count, CompanyWords words, Random random) {
        Set<String> names = new LinkedHashSet<>();
        while (names.size() < count) {
            names.add(words.firstNames().get(random.nextInt(words.firstNames().size())) + " "
                    + words.lastNames().get(random.nextInt(words.lastNames().size())));
        }
        return new ArrayList<>(names);
    }

    /** {@code count} distinct words in random order. */
    private static List<String> pick(List<String> words, int count, Random random) {
        List<String> shuffled = new ArrayList<>(words);
        Collections.shuffle(shuffled, random);
        return shuffled.subList(0, count);
    }

    /** {@code count} words in random order that use every word when count allows. */
    private static List<String> covering(List<String> words, int count, Random random) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) values.add(words.get(i % words.size()));
        Collections.shuffle(values, random);
        return values;
    }

    /** Company ids (1-based) for {@code count} rows, each company owning at least {@code minimum} of them. */
    private static List<Integer> owners(int companies, int count, int minimum, Random random) {
        List<Integer> owners = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            owners.add(i < companies * minimum ? i % companies + 1 : random.nextInt(companies) + 1);
        }
        Collections.shuffle(owners, random);
        return owners;
    }

    private static void requireEnough(String what, int wanted, int available) {
        if (wanted > available) {
            throw new IllegalArgumentException(wanted + " " + what + " wanted but the word lists give only " + available);
        }
    }
}
