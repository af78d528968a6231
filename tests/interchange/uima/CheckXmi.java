// An independent reading of CTKG's INCEpTION export with Apache UIMA's Java SDK (the
// library INCEpTION is built on): the type system is parsed as INCEpTION's Layers > Import
// parses it, each type is classified by the rules of INCEpTION's TypeSystemAnalysis
// (span, relation, slot feature), and every XMI is deserialized strictly (not leniently)
// into a CAS of that type system; every annotation's offsets must lie within the text,
// every custom annotation start and end within a sentence, and there must be exactly one
// document annotation (two of INCEpTION's CasDoctor checks).
//
// Usage: java CheckXmi TypeSystem.xml doc1.xmi [doc2.xmi ...]
// Prints one line per layer and per document; exits 1 on any failure.

import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;

import org.apache.uima.UIMAFramework;
import org.apache.uima.cas.CAS;
import org.apache.uima.cas.Feature;
import org.apache.uima.cas.FeatureStructure;
import org.apache.uima.cas.Type;
import org.apache.uima.cas.TypeSystem;
import org.apache.uima.cas.impl.XmiCasDeserializer;
import org.apache.uima.cas.text.AnnotationFS;
import org.apache.uima.resource.metadata.TypeDescription;
import org.apache.uima.resource.metadata.TypeSystemDescription;
import org.apache.uima.util.CasCreationUtils;
import org.apache.uima.util.XMLInputSource;

public class CheckXmi {
    static boolean builtIn(Feature f) {
        String d = f.getDomain().getName();
        return d.equals(CAS.TYPE_NAME_TOP) || d.equals(CAS.TYPE_NAME_ANNOTATION_BASE)
            || d.equals(CAS.TYPE_NAME_ANNOTATION);
    }

    static boolean slot(TypeSystem ts, Feature f) {
        Type range = f.getRange();
        if (!range.isArray() || range.getComponentType() == null) return false;
        Type link = range.getComponentType();
        if (!ts.getParent(link).equals(ts.getTopType())) return false;
        if (link.getFeatures().size() != 2) return false;
        boolean role = false, target = false;
        for (Feature lf : link.getFeatures()) {
            if (lf.getRange().getName().equals(CAS.TYPE_NAME_STRING)) role = true;
            if (!lf.getRange().isPrimitive()) target = true;
        }
        return role && target;
    }

    static String classify(TypeSystem ts, Type t) {
        if (t.getName().startsWith("uima.")) return null;
        if (ts.subsumes(ts.getType(CAS.TYPE_NAME_DOCUMENT_ANNOTATION), t)) return null;
        if (t.getName().endsWith(".Sentence") || t.getName().endsWith(".Token")) return null;
        if (!ts.subsumes(ts.getType(CAS.TYPE_NAME_ANNOTATION), t)) return null;
        if (!ts.getParent(t).getName().equals(CAS.TYPE_NAME_ANNOTATION)) return "elevated";
        java.util.List<Feature> refs = new java.util.ArrayList<>();
        boolean spanOk = true;
        for (Feature f : t.getFeatures()) {
            if (builtIn(f)) continue;
            boolean prim = f.getRange().isPrimitive()
                || f.getRange().getName().equals(CAS.TYPE_NAME_STRING_ARRAY);
            if (!prim) refs.add(f);
            if (!(prim || slot(ts, f))) spanOk = false;
        }
        if (refs.size() == 2) {
            String a = refs.get(0).getShortName(), b = refs.get(1).getShortName();
            boolean names = (a.equals("Governor") || a.equals("Dependent"))
                && (b.equals("Governor") || b.equals("Dependent")) && !a.equals(b);
            if (names && refs.get(0).getRange().equals(refs.get(1).getRange()))
                return "relation on " + refs.get(0).getRange().getName();
        }
        if (spanOk) {
            StringBuilder s = new StringBuilder("span");
            for (Feature f : t.getFeatures())
                if (!builtIn(f) && slot(ts, f))
                    s.append(" slot:").append(f.getShortName()).append("->")
                     .append(f.getRange().getComponentType().getName());
            return s.toString();
        }
        return "unrecognized";
    }

    public static void main(String[] args) throws Exception {
        TypeSystemDescription tsd = UIMAFramework.getXMLParser()
            .parseTypeSystemDescription(new XMLInputSource(new File(args[0])));
        CAS cas = CasCreationUtils.createCas(tsd, null, null);
        TypeSystem ts = cas.getTypeSystem();
        boolean bad = false;
        for (TypeDescription td : tsd.getTypes()) {
            String kind = classify(ts, ts.getType(td.getName()));
            if (kind != null) System.out.println("LAYER " + td.getName() + " " + kind);
            if (kind != null && (kind.equals("unrecognized") || kind.equals("elevated"))) bad = true;
        }
        for (int i = 1; i < args.length; i++) {
            cas.reset();
            try (InputStream in = new FileInputStream(args[i])) {
                XmiCasDeserializer.deserialize(in, cas, false);
            }
            int n = cas.getDocumentText().codePointCount(0, cas.getDocumentText().length());
            java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
            for (AnnotationFS a : cas.getAnnotationIndex()) {
                if (a.getBegin() < 0 || a.getEnd() < a.getBegin()
                        || a.getEnd() > cas.getDocumentText().length()) {
                    System.out.println("OUTSIDE " + args[i] + " " + a.getType().getName()
                        + " " + a.getBegin() + "-" + a.getEnd());
                    bad = true;
                }
                counts.merge(a.getType().getShortName(), 1, Integer::sum);
            }
            // INCEpTION's CasDoctor: UniqueDocumentAnnotationCheck, and
            // AllAnnotationsStartAndEndWithinSentencesCheck for the custom layers
            java.util.List<AnnotationFS> sentences = new java.util.ArrayList<>();
            int docAnnos = 0;
            for (AnnotationFS a : cas.getAnnotationIndex()) {
                if (a.getType().getShortName().equals("Sentence")) sentences.add(a);
                if (ts.subsumes(ts.getType(CAS.TYPE_NAME_DOCUMENT_ANNOTATION), a.getType()))
                    docAnnos++;
            }
            if (docAnnos != 1) {
                System.out.println("DOCUMENT-ANNOTATIONS " + args[i] + " " + docAnnos);
                bad = true;
            }
            for (AnnotationFS a : cas.getAnnotationIndex()) {
                if (!a.getType().getName().startsWith("webanno.custom.")) continue;
                boolean b = false, e = false;
                for (AnnotationFS s : sentences) {
                    b |= s.getBegin() <= a.getBegin() && a.getBegin() <= s.getEnd();
                    e |= s.getBegin() <= a.getEnd() && a.getEnd() <= s.getEnd();
                }
                if (!b || !e) {
                    System.out.println("OUTSIDE-SENTENCES " + args[i] + " " + a.getBegin()
                        + "-" + a.getEnd());
                    bad = true;
                }
            }
            System.out.println("DOC " + new File(args[i]).getName() + " codepoints=" + n
                + " utf16=" + cas.getDocumentText().length() + " " + counts);
        }
        System.exit(bad ? 1 : 0);
    }
}
